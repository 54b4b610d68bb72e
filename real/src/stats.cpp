// Percentiles and phase summaries.
#include "stats.hpp"

#include <algorithm>
#include <cmath>

namespace gemini::real {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return values[lo] + (values[hi] - values[lo]) * frac;
}

PhaseStats summarize(const std::vector<double>& seconds) {
  PhaseStats s;
  s.count = seconds.size();
  s.median_s = percentile(seconds, 50);
  s.p10_s = percentile(seconds, 10);
  s.p90_s = percentile(seconds, 90);
  return s;
}

}  // namespace gemini::real
