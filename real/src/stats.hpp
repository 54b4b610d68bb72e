// Summaries of repeated timings: median with p10/p90 (linear interpolation between order
// statistics, as numpy.percentile's default).
#pragma once
#include <cstddef>
#include <vector>

namespace gemini::real {

struct PhaseStats {
  double median_s = 0;
  double p10_s = 0;
  double p90_s = 0;
  size_t count = 0;
};

double percentile(std::vector<double> values, double q);  // q in [0, 100]; 0 for no values
PhaseStats summarize(const std::vector<double>& seconds);

}  // namespace gemini::real
