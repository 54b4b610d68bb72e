// Failure traces: a portable random source and the merge of every failure source.
#include "gemini/failure_trace.hpp"

#include <algorithm>
#include <cmath>

#include "gemini/failure_sources.hpp"

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
  std::unique_ptr<FailureSource> sources[] = {make_machine_failures(), make_correlated_failures(),
                                              make_replayed_failures(), make_explicit_failures()};
  std::vector<FailureEvent> trace;
  uint64_t stream = 0;
  for (const auto& source : sources) {
    Rng rng(seed ^ (0xa0761d6478bd642fULL * ++stream));  // one independent stream per source
    source->append(scenario, rng, trace);
  }
  std::stable_sort(trace.begin(), trace.end(),
                   [](const FailureEvent& a, const FailureEvent& b) { return a.time_s < b.time_s; });
  Rng delays(seed ^ 0xe7037ed1a0b428dbULL);
  for (FailureEvent& e : trace) {
    e.replacement_delay_s = delays.uniform(scenario.recovery.replacement_min_s, scenario.recovery.replacement_max_s);
  }
  return trace;
}

}  // namespace gemini
