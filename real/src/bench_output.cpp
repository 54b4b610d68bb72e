// Shared JSON output of the benchmark commands.
#include "bench_output.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include "environment.hpp"

namespace gemini::real {

using json = nlohmann::ordered_json;

json environment_json(const Trainer& trainer) {
  return json{{"host", host_name()}, {"kernel", kernel_release()},
              {"cpu_model", cpu_model()}, {"cpu_count", cpu_count()},
              {"gpu_name", trainer.gpu_name()}, {"libtorch_version", Trainer::torch_version()},
              {"cuda_available", Trainer::cuda_available()}, {"device", trainer.device()}};
}

void write_report(const json& report, const std::string& out, const char* tag) {
  const std::string text = report.dump(2) + "\n";
  if (out == "-") {
    std::cout << text;
    return;
  }
  const auto parent = std::filesystem::path(out).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  std::ofstream f(out);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + out);
  std::fprintf(stderr, "%s wrote %s\n", tag, out.c_str());
}

}  // namespace gemini::real
