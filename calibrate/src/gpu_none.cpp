// GPU benchmarks in a build without CUDA: every wanted one is reported as skipped.
#include "gemini/calibrate/benchmarks.hpp"
#include "gpu_descriptions.hpp"

namespace gemini::calibrate {

bool gpu_support_compiled() { return false; }
bool nccl_support_compiled() { return false; }

std::vector<BenchmarkResult> bench_gpu(const SweepConfig&, const std::vector<std::string>& wanted,
                                       MachineInfo& machine, Progress&) {
  std::vector<BenchmarkResult> out;
  if (wanted.empty()) return out;
  machine.gpu_status = "skipped: gemini-calibrate was built without CUDA";
  for (const auto& name : wanted)
    out.push_back(BenchmarkResult::skipped(name, detail::gpu_description(name), machine.gpu_status));
  return out;
}

}  // namespace gemini::calibrate
