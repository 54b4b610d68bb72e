// Where memory-retrieval-busiest holds its processes: one layout per count on the busiest CPU.
#include <sched.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "gemini/calibrate/benchmarks.hpp"

namespace gemini::calibrate {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) throw std::runtime_error("sched_getaffinity failed");
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) cpus.push_back(c);
  return cpus;
}

std::vector<std::vector<int>> busiest_cpu_layouts(int processes, const std::vector<int>& cpus) {
  if (processes < 1) throw std::invalid_argument("busiest_cpu_layouts: no processes");
  if (cpus.empty()) throw std::invalid_argument("busiest_cpu_layouts: no CPU to run on");
  const int n_cpus = static_cast<int>(cpus.size());
  std::vector<std::vector<int>> layouts;
  for (int k = (processes + n_cpus - 1) / n_cpus; k <= processes; ++k) {
    std::vector<int> layout(static_cast<size_t>(k), cpus.front());
    // The rest in turn over the other CPUs: with k >= ceil(processes / cpus) none gets more than k.
    for (int i = 0; i < processes - k; ++i) layout.push_back(cpus[static_cast<size_t>(1 + i % (n_cpus - 1))]);
    layouts.push_back(layout);
  }
  return layouts;
}

}  // namespace gemini::calibrate
