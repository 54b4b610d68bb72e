// Per-strategy aggregation over trials and its table / JSON / CSV renderings.
#include "gemini/report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>

namespace gemini {
namespace {

constexpr double kSecondsPerHour = 3600.0;

// Two-sided 97.5% Student t quantiles for 1..30 degrees of freedom; 1.96 beyond.
double t_quantile(size_t dof) {
  static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                             2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return dof >= 1 && dof <= 30 ? t[dof - 1] : 1.96;
}

// Causes of waste in the order reports list them (lost progress is carved out of compute).
const TimeCause kWasteCauses[] = {TimeCause::checkpoint_stall, TimeCause::detection, TimeCause::replacement,
                                  TimeCause::retrieval, TimeCause::warmup};

}  // namespace

Estimate estimate(const std::vector<double>& x) {
  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  if (x.size() < 2) return {mean, mean, mean};
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double half = t_quantile(x.size() - 1) * std::sqrt(ss / (n - 1) / n);
  return {mean, mean - half, mean + half};
}

std::vector<StrategySummary> summarize(const Scenario& s, const std::vector<TrialResult>& trials) {
  const double gpus = s.total_gpus();
  const auto gpu_hours = [&](double seconds) { return seconds * gpus / kSecondsPerHour; };
  std::vector<StrategySummary> out;
  for (size_t k = 0; k < s.strategies.size(); ++k) {
    StrategySummary sum;
    const StrategyResult& first = trials.front().strategies[k];
    sum.name = first.name;
    sum.trials = static_cast<int>(trials.size());
    sum.total_gpu_hours = gpu_hours(s.horizon_s);
    sum.iteration_time_s = first.iteration_s;
    sum.compute_iteration_time_s = first.compute_iteration_s;
    sum.checkpoint_time_s = first.checkpoint_time_s;
    sum.checkpoint_interval_iterations = first.checkpoint_interval_iterations;
    std::vector<double> ettr, wasted, failures;
    double failure_wasted_s = 0, failure_count = 0;
    const double n = static_cast<double>(trials.size());
    for (const TrialResult& t : trials) {
      const StrategyOutcome& o = t.strategies[k].outcome;
      ettr.push_back(o.productive_s() / s.horizon_s);
      wasted.push_back(gpu_hours(o.wasted_s()));
      failures.push_back(static_cast<double>(o.failures));
      failure_wasted_s += o.failure_wasted_s();
      failure_count += static_cast<double>(o.failures);
      sum.max_conservation_error_s = std::max(sum.max_conservation_error_s, std::abs(o.total_s() - s.horizon_s));
      sum.wasted_gpu_hours_by_cause["lost_progress"] += gpu_hours(o.lost_progress_s) / n;
      for (TimeCause c : kWasteCauses) sum.wasted_gpu_hours_by_cause[to_string(c)] += gpu_hours(o.at(c)) / n;
      for (size_t r = 0; r < o.recoveries.size(); ++r) {
        sum.recoveries_by_source[to_string(static_cast<RecoverySource>(r))] += static_cast<double>(o.recoveries[r]) / n;
      }
    }
    sum.ettr = estimate(ettr);
    sum.wasted_gpu_hours = estimate(wasted);
    sum.failures = estimate(failures);
    sum.wasted_s_per_failure = failure_count > 0 ? failure_wasted_s / failure_count : 0.0;
    out.push_back(std::move(sum));
  }
  return out;
}

nlohmann::json report_json(const Scenario& s, const std::vector<StrategySummary>& summaries, uint64_t seed) {
  auto est = [](const Estimate& e) { return nlohmann::json{{"mean", e.mean}, {"ci95", {e.lo, e.hi}}}; };
  nlohmann::json j{{"scenario", s.name},
                   {"machines", s.machines},
                   {"gpus", s.total_gpus()},
                   {"hardware", s.hardware.name},
                   {"hardware_source", s.hardware.source},
                   {"model", s.model.name},
                   {"horizon_s", s.horizon_s},
                   {"seed", seed},
                   {"strategies", nlohmann::json::array()}};
  for (const StrategySummary& m : summaries) {
    j["strategies"].push_back({{"name", m.name},
                               {"trials", m.trials},
                               {"total_gpu_hours", m.total_gpu_hours},
                               {"ettr", est(m.ettr)},
                               {"wasted_gpu_hours", est(m.wasted_gpu_hours)},
                               {"wasted_gpu_hours_by_cause", m.wasted_gpu_hours_by_cause},
                               {"failures", est(m.failures)},
                               {"recoveries_by_source", m.recoveries_by_source},
                               {"iteration_time_s", m.iteration_time_s},
                               {"compute_iteration_time_s", m.compute_iteration_time_s},
                               {"checkpoint_time_s", m.checkpoint_time_s},
                               {"checkpoint_interval_iterations", m.checkpoint_interval_iterations},
                               {"wasted_s_per_failure", {{"mean", m.wasted_s_per_failure}}}});
  }
  return j;
}

std::string report_csv(const std::vector<StrategySummary>& summaries) {
  std::ostringstream o;
  o << std::setprecision(10);
  o << "strategy,trials,ettr_mean,ettr_ci_lo,ettr_ci_hi,wasted_gpu_hours_mean,wasted_gpu_hours_ci_lo,"
       "wasted_gpu_hours_ci_hi,failures_mean,iteration_time_s,checkpoint_time_s,checkpoint_interval_iterations,"
       "wasted_s_per_failure";
  const auto& causes = summaries.front().wasted_gpu_hours_by_cause;
  const auto& sources = summaries.front().recoveries_by_source;
  for (const auto& c : causes) o << ",wasted_gpu_hours_" << c.first;
  for (const auto& r : sources) o << ",recoveries_" << r.first;
  o << "\n";
  for (const StrategySummary& m : summaries) {
    o << m.name << "," << m.trials << "," << m.ettr.mean << "," << m.ettr.lo << "," << m.ettr.hi << ","
      << m.wasted_gpu_hours.mean << "," << m.wasted_gpu_hours.lo << "," << m.wasted_gpu_hours.hi << ","
      << m.failures.mean << "," << m.iteration_time_s << "," << m.checkpoint_time_s << ","
      << m.checkpoint_interval_iterations << "," << m.wasted_s_per_failure;
    for (const auto& c : m.wasted_gpu_hours_by_cause) o << "," << c.second;
    for (const auto& r : m.recoveries_by_source) o << "," << r.second;
    o << "\n";
  }
  return o.str();
}

void print_table(std::ostream& out, const Scenario& s, const std::vector<StrategySummary>& summaries) {
  const StrategySummary& any = summaries.front();
  out << s.name << ": " << s.machines << " x " << s.hardware.name << " (" << s.total_gpus() << " GPUs), model "
      << s.model.name << ", " << std::fixed << std::setprecision(1) << s.horizon_s / 86400 << " days, "
      << any.trials << " trial" << (any.trials == 1 ? "" : "s") << "\n";
  out << "hardware figures: " << s.hardware.source << "\n\n";
  out << std::left << std::setw(16) << "strategy" << std::right << std::setw(17) << "ETTR (95% CI)"
      << std::setw(22) << "wasted GPU-h" << std::setw(10) << "stall" << std::setw(10) << "lost"
      << std::setw(10) << "recovery" << std::setw(9) << "fails" << std::setw(20) << "mem/peer/disk/store"
      << std::setw(9) << "iter s" << std::setw(10) << "ckpt s" << std::setw(8) << "every" << "\n";
  for (const StrategySummary& m : summaries) {
    const auto& c = m.wasted_gpu_hours_by_cause;
    const double recovery = c.at("detection") + c.at("replacement") + c.at("retrieval") + c.at("warmup");
    const auto& r = m.recoveries_by_source;
    std::ostringstream ettr, wasted, sources;
    ettr << std::fixed << std::setprecision(4) << m.ettr.mean << " ±" << std::setprecision(4)
         << (m.ettr.hi - m.ettr.mean);
    wasted << std::fixed << std::setprecision(0) << m.wasted_gpu_hours.mean << " ±"
           << (m.wasted_gpu_hours.hi - m.wasted_gpu_hours.mean);
    sources << std::fixed << std::setprecision(1) << r.at("local_cpu") << "/" << r.at("peer_cpu") << "/"
            << r.at("local_disk") << "/" << r.at("persistent");
    out << std::left << std::setw(16) << m.name << std::right << std::setw(17) << ettr.str() << std::setw(22)
        << wasted.str() << std::fixed << std::setprecision(0) << std::setw(10) << c.at("checkpoint_stall")
        << std::setw(10) << c.at("lost_progress") << std::setw(10) << recovery << std::setprecision(1)
        << std::setw(9) << m.failures.mean << std::setw(20) << sources.str() << std::setprecision(2)
        << std::setw(9) << m.iteration_time_s << std::setw(10) << m.checkpoint_time_s << std::setw(8)
        << m.checkpoint_interval_iterations << "\n";
  }
  out << "\nwasted GPU-hours by cause are means over trials; recovery = detection + replacement + retrieval + "
         "warm-up;\nmem/peer/disk/store = recoveries per trial from local CPU memory / a peer's CPU memory / "
         "local disk / persistent storage.\n";
}

}  // namespace gemini
