// Timing helpers: percentiles (NumPy "linear"), summaries, repeated measurements.
#include "gemini/calibrate/timing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace gemini::calibrate {

namespace {
double sorted_percentile(const std::vector<double>& sorted, double q) {
  const double rank = q / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}
}  // namespace

double percentile(std::vector<double> values, double q) {
  if (values.empty()) throw std::invalid_argument("percentile of an empty sample");
  if (!(q >= 0.0 && q <= 100.0)) throw std::invalid_argument("percentile q must be in [0, 100]");
  std::sort(values.begin(), values.end());
  return sorted_percentile(values, q);
}

Stats summarize(const std::vector<double>& samples_s) {
  if (samples_s.empty()) throw std::invalid_argument("summarize: no samples");
  std::vector<double> sorted = samples_s;
  std::sort(sorted.begin(), sorted.end());
  Stats s;
  s.median_s = sorted_percentile(sorted, 50);
  s.p10_s = sorted_percentile(sorted, 10);
  s.p90_s = sorted_percentile(sorted, 90);
  s.min_s = sorted.front();
  s.max_s = sorted.back();
  s.count = static_cast<int>(sorted.size());
  return s;
}

double now_s() {
  using clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(clock::now().time_since_epoch()).count();
}

Stats measure_repeated(int warmups, int reps, const std::function<double()>& measure) {
  if (reps < 1) throw std::invalid_argument("measure_repeated: reps must be >= 1");
  for (int i = 0; i < warmups; ++i) measure();
  std::vector<double> samples;
  samples.reserve(static_cast<size_t>(reps));
  for (int i = 0; i < reps; ++i) samples.push_back(measure());
  return summarize(samples);
}

Stats time_repeated(int warmups, int reps, const std::function<void()>& fn) {
  return measure_repeated(warmups, reps, [&fn] {
    const double t0 = now_s();
    fn();
    return now_s() - t0;
  });
}

}  // namespace gemini::calibrate
