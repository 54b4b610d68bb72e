// Closed forms: Eq. 1, Young/Daly, expected failures, recovery probabilities.
#include "gemini/analytic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace gemini {
namespace {

using Real = long double;

Real choose(int n, int k) {
  if (k < 0 || k > n) return 0;
  return std::exp(std::lgamma(static_cast<Real>(n) + 1) - std::lgamma(static_cast<Real>(k) + 1) -
                  std::lgamma(static_cast<Real>(n - k) + 1));
}

// ways[j] = number of j-subsets of a cycle of n machines with no run of m consecutive ones
// (ring placement: machine i's copies live on i..i+m-1, lost iff that whole window is lost).
std::vector<Real> ring_good_subsets(int n, int m) {
  std::vector<Real> ways(n + 1, 0);
  if (n == 0) {
    ways[0] = 1;
    return ways;
  }
  if (m > n) {  // windows wrap around the whole cycle: only losing everything loses data
    for (int j = 0; j < n; ++j) ways[j] = choose(n, j);
    return ways;
  }
  // line[len][j][r]: strings of length len with j ones, no run >= m, ending in a run of r ones.
  // A cycle is good iff the linear string has no run >= m and (leading run + trailing run) < m.
  // Enumerate the leading run a (a < m, followed by a zero unless the string is all ones).
  for (int a = 0; a < m && a < n; ++a) {
    // positions: a ones, one zero, then a middle of length n - a - 1 whose trailing run b
    // satisfies a + b < m.
    const int len = n - a - 1;
    std::vector<std::vector<Real>> cur(len + 1, std::vector<Real>(m, 0));  // [j][r]
    cur[0][0] = 1;
    for (int pos = 0; pos < len; ++pos) {
      std::vector<std::vector<Real>> next(len + 1, std::vector<Real>(m, 0));
      for (int j = 0; j <= pos; ++j) {
        for (int r = 0; r < m; ++r) {
          if (cur[j][r] == 0) continue;
          next[j][0] += cur[j][r];                        // a zero
          if (r + 1 < m) next[j + 1][r + 1] += cur[j][r];  // a one
        }
      }
      cur.swap(next);
    }
    for (int j = 0; j <= len; ++j) {
      for (int b = 0; b < m && a + b < m; ++b) ways[j + a] += cur[j][b];
    }
  }
  return ways;
}

}  // namespace

double gemini_wasted_per_failure_s(double checkpoint_s, double checkpoints_per_s, double retrieval_s) {
  return checkpoint_s + 1.0 / (2.0 * checkpoints_per_s) + retrieval_s;
}

double young_interval_s(double delta, double mtti) { return std::sqrt(2 * delta * mtti); }

double daly_interval_s(double delta, double mtti) {
  if (delta >= 2 * mtti) return mtti;
  const double x = delta / (2 * mtti);
  return std::sqrt(2 * delta * mtti) * (1 + std::sqrt(x) / 3 + x / 9) - delta;
}

double job_mtti_s(const Scenario& s) {
  double rate = s.failures.rate_per_machine_per_s * s.machines;
  for (const CorrelatedFailures& c : s.failures.correlated) {
    rate += c.rate_per_group_per_s * ((s.machines + c.size - 1) / c.size);
  }
  return rate > 0 ? 1.0 / rate : INFINITY;
}

double expected_failures(const Scenario& s) {
  return s.horizon_s / job_mtti_s(s) + static_cast<double>(s.failures.replayed.size() + s.failures.events.size());
}

double corollary1_bound(int n, int m, int k) {
  if (k < m) return 1.0;
  const Real bound = 1 - static_cast<Real>(n) * choose(n - m, k - m) / (static_cast<Real>(m) * choose(n, k));
  return static_cast<double>(std::max<Real>(0, bound));
}

double recovery_probability_exact(int n, int m, int k, Placement placement) {
  if (m < 1 || m > n) throw std::invalid_argument("replicas must be in [1, machines]");
  if (k < 0 || k > n) throw std::invalid_argument("lost machines must be in [0, machines]");
  // Split into disjoint parts: whole groups of m (no group fully lost) and a ring (no window).
  int groups = 0, ring = n;
  if (placement == Placement::group) {
    groups = n % m == 0 ? n / m : n / m - 1;
    ring = n - groups * m;
  }
  std::vector<Real> good(1, 1);  // polynomial: good[j] = good j-subsets so far
  for (int g = 0; g < groups; ++g) {
    std::vector<Real> next(good.size() + m, 0);
    for (size_t j = 0; j < good.size(); ++j) {
      for (int i = 0; i < m; ++i) next[j + i] += good[j] * choose(m, i);  // i < m: not all lost
    }
    good.swap(next);
  }
  const std::vector<Real> ring_ways = ring_good_subsets(ring, m);
  std::vector<Real> total(good.size() + ring_ways.size(), 0);
  for (size_t a = 0; a < good.size(); ++a) {
    for (size_t b = 0; b < ring_ways.size(); ++b) total[a + b] += good[a] * ring_ways[b];
  }
  const Real all = choose(n, k);
  return static_cast<double>(static_cast<size_t>(k) < total.size() ? total[k] / all : 0);
}

}  // namespace gemini
