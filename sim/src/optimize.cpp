// Checkpoint-interval (and replica-count) search by simulation, with common random numbers.
#include "gemini/optimize.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "gemini/analytic.hpp"
#include "gemini/iteration_profile.hpp"
#include "gemini/model.hpp"
#include "gemini/monte_carlo.hpp"

namespace gemini {
namespace {

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::setprecision(6) << s << "s";
  return o.str();
}

// Blocking cost of one checkpoint of the strategy's interval-driven tier (Daly's delta).
double checkpoint_cost_s(const Scenario& s, const StrategySpec& spec) {
  if (spec.serialization_s >= 0) return spec.serialization_s;
  const double shard = derive_sizes(s.model, s.training).checkpoint_bytes / s.machines;
  double cost = shard / s.hardware.serialize_bytes_per_s;
  if (spec.kind == StrategyKind::seed_disk) cost += s.hardware.local_disk_write.seconds(shard);
  return cost;
}

std::vector<double> log_grid(double lo, double hi, int points) {
  std::vector<double> v;
  for (int i = 0; i < points; ++i) {
    v.push_back(points == 1 ? lo : lo * std::pow(hi / lo, static_cast<double>(i) / (points - 1)));
  }
  return v;
}

// Minimum of y = a + b x + c x^2 fitted (least squares, Eigen) to (log T, wasted) around the best.
double parabola_minimum(const std::vector<OptimizeCandidate>& curve, size_t best, double best_interval,
                        const std::vector<double>& intervals) {
  const size_t lo = best >= 3 ? best - 3 : 0, hi = std::min(curve.size() - 1, best + 3);
  if (hi - lo < 2) return best_interval;
  Eigen::MatrixXd a(hi - lo + 1, 3);
  Eigen::VectorXd y(hi - lo + 1);
  for (size_t i = lo; i <= hi; ++i) {
    const double x = std::log(intervals[i]);
    a.row(i - lo) << 1, x, x * x;
    y(i - lo) = curve[i].summary.wasted_gpu_hours.mean;
  }
  const Eigen::Vector3d c = a.colPivHouseholderQr().solve(y);
  if (c(2) <= 0) return best_interval;  // not convex here: keep the grid's best
  return std::exp(-c(1) / (2 * c(2)));
}

}  // namespace

std::vector<OptimizeCandidate> optimize_candidates(const Scenario& s, const StrategySpec& spec, int points) {
  std::vector<OptimizeCandidate> out;
  const double mtti = job_mtti_s(s);
  if (!std::isfinite(mtti)) throw std::invalid_argument("the scenario has no random failures: nothing to optimise");
  const double iteration_s = compute_time_per_iteration_s(s);
  if (spec.kind == StrategyKind::gemini) {
    for (int m = 1; m <= std::min(s.machines, 4); ++m) {
      for (int64_t k = 1; k <= 64; k *= 2) {
        OptimizeCandidate c{spec, "interval_iterations=" + std::to_string(k) + " replicas=" + std::to_string(m), {}};
        c.spec.interval_iterations = k;
        c.spec.replicas = m;
        out.push_back(std::move(c));
      }
    }
    return out;
  }
  const double daly = daly_interval_s(checkpoint_cost_s(s, spec), mtti);
  const double lo = std::max(iteration_s, daly / 4), hi = std::max(lo * 1.01, std::min(s.horizon_s, daly * 4));
  for (double interval : log_grid(lo, hi, points)) {
    OptimizeCandidate c{spec, "", {}};
    if (spec.kind == StrategyKind::strawman) {
      c.spec.persistent_interval_s = interval;
      c.knob = "persistent_interval=" + seconds_text(interval);
    } else {
      c.spec.interval_iterations = std::max<int64_t>(1, std::llround(interval / iteration_s));
      c.knob = "interval_iterations=" + std::to_string(c.spec.interval_iterations);
      if (!out.empty() && out.back().spec.interval_iterations == c.spec.interval_iterations) continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

OptimizeResult optimize_strategy(const Scenario& base, const StrategySpec& spec, int points, int trials, int jobs) {
  OptimizeResult r;
  r.strategy = spec.name;
  r.curve = optimize_candidates(base, spec, points);
  Scenario s = base;
  s.strategies.clear();
  for (const OptimizeCandidate& c : r.curve) {
    StrategySpec candidate = c.spec;
    candidate.name = spec.name + "@" + c.knob;
    s.strategies.push_back(candidate);
  }
  const auto summaries = summarize(s, run_trials(s, trials, jobs));
  for (size_t i = 0; i < r.curve.size(); ++i) {
    r.curve[i].summary = summaries[i];
    if (summaries[i].wasted_gpu_hours.mean < r.curve[r.best].summary.wasted_gpu_hours.mean) r.best = i;
  }
  if (spec.kind != StrategyKind::gemini) {
    const double iteration_s = compute_time_per_iteration_s(base);
    std::vector<double> intervals;
    for (const OptimizeCandidate& c : r.curve) {
      intervals.push_back(spec.kind == StrategyKind::strawman ? c.spec.persistent_interval_s
                                                              : c.spec.interval_iterations * iteration_s);
    }
    r.daly_interval_s = daly_interval_s(checkpoint_cost_s(base, spec), job_mtti_s(base));
    r.parabola_interval_s = parabola_minimum(r.curve, r.best, intervals[r.best], intervals);
  }
  return r;
}

}  // namespace gemini
