// Failure-trace generation: exponential per-machine failures plus explicit events.
#include "gemini/failure_trace.hpp"

#include <algorithm>
#include <cmath>

namespace gemini {

uint64_t Rng::next_u64() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::uniform01() {
  // 53 random bits, shifted off zero so that log() below stays finite.
  return (static_cast<double>(next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

double Rng::exponential(double rate_per_s) { return -std::log(uniform01()) / rate_per_s; }

uint64_t trial_seed(uint64_t scenario_seed, int trial_index) {
  Rng mix(scenario_seed * 0x100000001b3ULL + static_cast<uint64_t>(trial_index));
  mix.next_u64();
  return mix.next_u64();
}

std::vector<FailureEvent> generate_failure_trace(const Scenario& scenario, uint64_t seed) {
  const RecoverySpec& rec = scenario.recovery;
  Rng rng(seed);
  std::vector<FailureEvent> trace;
  auto delay = [&] { return rng.uniform(rec.replacement_min_s, rec.replacement_max_s); };

  const double cluster_rate = scenario.failures.rate_per_machine_per_s * scenario.machines;
  if (cluster_rate > 0) {
    for (double t = rng.exponential(cluster_rate); t < scenario.horizon_s;
         t += rng.exponential(cluster_rate)) {
      FailureEvent e;
      e.time_s = t;
      e.machines = {static_cast<int>(rng.next_u64() % static_cast<uint64_t>(scenario.machines))};
      e.kind = rng.uniform01() < scenario.failures.hardware_fraction ? FailureKind::hardware
                                                                      : FailureKind::software;
      e.replacement_delay_s = delay();
      trace.push_back(std::move(e));
    }
  }
  for (const ExplicitFailure& x : scenario.failures.events) {
    FailureEvent e;
    e.time_s = x.at_s;
    e.machines = x.machines;
    e.kind = x.kind;
    e.replacement_delay_s = delay();
    trace.push_back(std::move(e));
  }
  std::stable_sort(trace.begin(), trace.end(),
                   [](const FailureEvent& a, const FailureEvent& b) { return a.time_s < b.time_s; });
  return trace;
}

}  // namespace gemini
