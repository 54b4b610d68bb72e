// JSON pieces the benchmark commands (gemini-bench-ckpt, gemini-bench-model) share: a timed
// phase (phase_json.hpp), the environment block, and writing the report.
// Torch-free (the trainer's interface is); needs nlohmann_json.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "phase_json.hpp"
#include "trainer.hpp"

namespace gemini::real {

// host, kernel, cpu_model, cpu_count, gpu_name, libtorch_version, cuda_available, device.
nlohmann::ordered_json environment_json(const Trainer& trainer);

// Writes `report` (indented, newline-terminated) to stdout for "-", else to the file `out`
// (parent directories created) and says so on stderr as "<tag> wrote <out>". Throws on failure.
void write_report(const nlohmann::ordered_json& report, const std::string& out, const char* tag);

}  // namespace gemini::real
