// One trial: build the platform, profile an iteration, then run every strategy of the
// scenario against the same failure trace. SimGrid allows one simulation per process, so a
// process runs at most one trial (monte_carlo.hpp forks a child per trial).
#pragma once
#include <string>
#include <vector>

#include "gemini/accounting.hpp"
#include "gemini/scenario.hpp"
#include "gemini/strategy.hpp"
#include "gemini/timeline.hpp"

namespace gemini {

struct StrategyResult {
  std::string name;
  double iteration_s = 0;
  double compute_iteration_s = 0;
  double checkpoint_time_s = 0;
  int64_t checkpoint_interval_iterations = 0;
  StrategyOutcome outcome;
};

struct TrialResult {
  int trial = 0;
  int64_t failures_in_trace = 0;
  std::vector<StrategyResult> strategies;
};

// With `timelines`, each strategy's timeline (spans by cause, failures, checkpoints,
// recoveries) is appended to it, in scenario order.
// Plans every strategy of the scenario (profiling the iteration, measuring uploads) in a
// simulation of its own. Plans do not depend on the trial, so Monte Carlo makes them once.
std::vector<StrategyPlan> plan_strategies(const Scenario& scenario);

// One trial; with `plans` (from plan_strategies) it skips planning.
TrialResult run_trial(const Scenario& scenario, int trial_index, std::vector<StrategyTimeline>* timelines = nullptr,
                      const std::vector<StrategyPlan>* plans = nullptr);

}  // namespace gemini
