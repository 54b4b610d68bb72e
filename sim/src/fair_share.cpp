#include "gemini/fair_share.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace gemini {

std::vector<double> fair_share_seconds(const std::vector<double>& starts_s, double work, double rate) {
  if (!(rate > 0) || !(work >= 0)) throw std::invalid_argument("fair_share_seconds: rate > 0 and work >= 0");
  const size_t n = starts_s.size();
  if (n == 0) return {};
  // Times relative to the first start: absolute clocks (seconds since boot) would swallow the
  // small steps near the end of a job.
  const double t0 = *std::min_element(starts_s.begin(), starts_s.end());
  std::vector<double> start(n), left(n, work), end(n, -1);
  for (size_t i = 0; i < n; ++i) start[i] = starts_s[i] - t0;
  size_t done = 0;
  double t = 0;
  while (done < n) {
    // Active jobs share the rate until the first of them finishes or another one starts.
    std::vector<size_t> active;
    double next_start = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i) {
      if (end[i] >= 0) continue;
      if (start[i] <= t) active.push_back(i);
      else next_start = std::min(next_start, start[i]);
    }
    if (active.empty()) {
      t = next_start;
      continue;
    }
    const double each = rate / static_cast<double>(active.size());
    double first_left = std::numeric_limits<double>::infinity();
    for (size_t i : active) first_left = std::min(first_left, left[i]);
    const double to_finish_s = first_left / each;
    const bool finishes = t + to_finish_s <= next_start;
    const double dt = finishes ? to_finish_s : next_start - t;
    for (size_t i : active) {
      // The job(s) with the least work left end now, exactly; the others progress.
      if (finishes && left[i] <= first_left) {
        left[i] = 0;
        end[i] = t + dt;
        ++done;
      } else {
        left[i] -= each * dt;
      }
    }
    t += dt;
  }
  std::vector<double> seconds(n);
  for (size_t i = 0; i < n; ++i) seconds[i] = end[i] - start[i];
  return seconds;
}

}  // namespace gemini
