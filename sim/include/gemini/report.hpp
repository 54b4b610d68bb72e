// Aggregates trials into per-strategy estimates (means, 95% confidence intervals) and renders
// them as a table, JSON and CSV.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "gemini/simulation.hpp"

namespace gemini {

struct Estimate {
  double mean = 0;
  double lo = 0;  // 95% confidence interval (Student t); equals mean with one trial
  double hi = 0;
};

Estimate estimate(const std::vector<double>& samples);

struct StrategySummary {
  std::string name;
  int trials = 0;
  double total_gpu_hours = 0;
  Estimate ettr, wasted_gpu_hours, failures;
  std::map<std::string, double> wasted_gpu_hours_by_cause;  // means
  std::map<std::string, double> recoveries_by_source;       // means per trial
  double iteration_time_s = 0;
  double compute_iteration_time_s = 0;
  double checkpoint_time_s = 0;
  int64_t checkpoint_interval_iterations = 0;
  double wasted_s_per_failure = 0;  // failure-caused wasted job seconds / failures, all trials
  double max_conservation_error_s = 0;  // |sum of categories - horizon|, worst trial
};

std::vector<StrategySummary> summarize(const Scenario& scenario, const std::vector<TrialResult>& trials);

nlohmann::json report_json(const Scenario& scenario, const std::vector<StrategySummary>& summaries, uint64_t seed);
std::string report_csv(const std::vector<StrategySummary>& summaries);
void print_table(std::ostream& out, const Scenario& scenario, const std::vector<StrategySummary>& summaries);

}  // namespace gemini
