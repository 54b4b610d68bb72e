// Failure traces: the same list of failures is replayed against every strategy of a trial.
#pragma once
#include <cstdint>
#include <vector>

#include "gemini/scenario.hpp"

namespace gemini {

struct FailureEvent {
  double time_s = 0;
  std::vector<int> machines;         // failed at once
  FailureKind kind = FailureKind::hardware;
  double replacement_delay_s = 0;    // cloud delay if no standby machine is left (hardware only)
  double duration_s = 0;             // network failures: how long the network stays down
};

// Deterministic per (scenario, trial_seed): every failure source of the scenario
// (failure_sources.hpp), merged and sorted by time; each event gets a replacement delay drawn
// from the scenario's range.
std::vector<FailureEvent> generate_failure_trace(const Scenario& scenario, uint64_t trial_seed);

// Small, portable random source (splitmix64): identical streams on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next_u64();
  double uniform01();  // in (0, 1)
  double exponential(double rate_per_s) ;
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform01(); }

 private:
  uint64_t state_;
};

uint64_t trial_seed(uint64_t scenario_seed, int trial_index);

}  // namespace gemini
