// Summaries of repeated timings: median with p10/p90 (linear interpolation between order
// statistics, as numpy.percentile's default).
#pragma once
#include <chrono>
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

// Seconds on the steady clock since t0: how the benchmark commands time a phase.
inline double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace gemini::real
