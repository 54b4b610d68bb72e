// The model's own costs, measured by real/'s gemini-bench-model (a LibTorch program: calibrate
// stays torch-free and runs it as a child process), fitted like every other benchmark:
// capture of the training state into an image ("model-capture", the profile's `serialize`),
// the way back ("model-restore", `deserialize`), and the training step against its FLOPs
// ("model-iteration": time = alpha + FLOPs / rate, the effective FLOP/s).
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "disk_io.hpp"
#include "gemini/calibrate/benchmarks.hpp"

namespace gemini::calibrate {
namespace {

// Runs `argv` and waits; throws with the exit status unless it exited 0.
void run_child(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) detail::throw_errno("fork");
  if (pid == 0) {
    ::execv(args[0], args.data());
    std::fprintf(stderr, "gemini-calibrate: cannot run %s\n", args[0]);
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) detail::throw_errno("waitpid");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error(argv[0] + " failed (" +
                             (WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                                : "signal " + std::to_string(WTERMSIG(status))) + ")");
  }
}

// gemini-bench-model reports median, p10, p90 and count; min and max are not reported (NaN).
Stats stats_of(const nlohmann::json& phase) {
  Stats s;
  s.median_s = phase.at("median_s").get<double>();
  s.p10_s = phase.at("p10_s").get<double>();
  s.p90_s = phase.at("p90_s").get<double>();
  s.min_s = s.max_s = std::numeric_limits<double>::quiet_NaN();
  s.count = phase.at("count").get<int>();
  return s;
}

}  // namespace

std::string find_model_bench(const std::string& calibrate_exe) {
  // The build tree puts real/'s commands beside calibrate/: <build>/calibrate/.. /real/.
  std::string dir = calibrate_exe.substr(0, calibrate_exe.find_last_of('/') + 1);
  for (const std::string& candidate : {dir + "../real/gemini-bench-model", dir + "gemini-bench-model"}) {
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::vector<BenchmarkResult> bench_model(const ModelBenchConfig& cfg, const std::string& scratch_dir,
                                         Progress& progress) {
  BenchmarkResult capture, restore, iteration;
  capture.name = "model-capture";
  capture.description = "Trainer::capture of the full training state (weights, AdamW moments, RNG, data position) "
                        "into one image: copy + per-tensor XXH64 + header (gemini-bench-model)";
  restore.name = "model-restore";
  restore.description = "the way back: verify every tensor checksum, then Trainer::restore into the model "
                        "and optimizer (gemini-bench-model)";
  iteration.name = "model-iteration";
  iteration.description = "one training step (forward, backward, AdamW, one process); the size axis is the "
                          "step's FLOPs by formula (docs/REAL.md), so beta is the effective FLOP/s";
  if (cfg.exe.empty()) {
    const std::string why = "gemini-bench-model not found (real/ is built only with LibTorch; or pass --model-bench)";
    return {BenchmarkResult::skipped(capture.name, capture.description, why),
            BenchmarkResult::skipped(restore.name, restore.description, why),
            BenchmarkResult::skipped(iteration.name, iteration.description, why)};
  }
  detail::TempDir tmp(scratch_dir);
  const std::string out = tmp.path() + "/model.json";
  std::vector<std::string> argv = {cfg.exe, "--threads", std::to_string(cfg.threads), "--out", out};
  if (!cfg.sizes.empty()) argv.insert(argv.end(), {"--sizes", cfg.sizes});
  if (!cfg.device.empty()) argv.insert(argv.end(), {"--device", cfg.device});
  if (cfg.quick) argv.push_back("--quick");
  progress.note("model: running " + cfg.exe + " (its own progress lines follow)");
  run_child(argv);
  std::ifstream f(out);
  const nlohmann::json j = nlohmann::json::parse(f);
  if (j.value("schema", "") != "gemini-bench-model/1") throw std::runtime_error(out + ": not a gemini-bench-model/1 report");
  for (const auto& p : j.at("points")) {
    const nlohmann::json about = {{"size", p.at("name")}, {"parameters", p.at("parameters")}};
    capture.points.push_back({p.at("image_bytes").get<double>(), stats_of(p.at("capture")), std::nullopt, about, std::nullopt});
    restore.points.push_back({p.at("image_bytes").get<double>(), stats_of(p.at("restore")), std::nullopt, about, std::nullopt});
    nlohmann::json it = about;
    it["image_bytes"] = p.at("image_bytes");
    iteration.points.push_back({p.at("flops_per_iteration").get<double>(), stats_of(p.at("iteration")), std::nullopt, it, std::nullopt});
  }
  for (auto* r : {&capture, &restore, &iteration}) {
    r->extra["environment"] = j.at("environment");
    r->extra["threads"] = j.at("config").at("threads");
    fit_medians(*r);
  }
  iteration.extra["x_unit"] = "flop";
  iteration.notes.push_back("bytes are FLOPs per step here: fit beta is FLOP/s, not bytes/s");
  return {capture, restore, iteration};
}

}  // namespace gemini::calibrate
