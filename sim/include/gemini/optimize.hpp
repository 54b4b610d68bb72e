// Search for the checkpoint interval (and, for GEMINI, the replica count) that minimises wasted
// GPU-hours. Every candidate becomes a strategy of one scenario, so all candidates of a trial
// replay the same failure trace (common random numbers) and their differences are not noise.
#pragma once
#include <string>
#include <vector>

#include "gemini/report.hpp"
#include "gemini/scenario.hpp"

namespace gemini {

struct OptimizeCandidate {
  StrategySpec spec;
  std::string knob;  // e.g. "persistent_interval=1800s" or "interval_iterations=4 replicas=2"
  StrategySummary summary;
};

struct OptimizeResult {
  std::string strategy;
  std::vector<OptimizeCandidate> curve;  // in search order
  size_t best = 0;                       // index into curve
  double daly_interval_s = 0;            // for checkpoint-interval strategies; 0 when n/a
  double parabola_interval_s = 0;        // minimum of a parabola fitted around the best (log-time)
};

// The candidates searched for one strategy: a log-spaced grid of `points` intervals around
// Daly's optimum (persistent or local-disk tier), or interval x replicas for GEMINI.
std::vector<OptimizeCandidate> optimize_candidates(const Scenario& scenario, const StrategySpec& spec, int points);

OptimizeResult optimize_strategy(const Scenario& scenario, const StrategySpec& spec, int points, int trials, int jobs);

}  // namespace gemini
