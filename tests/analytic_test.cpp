// The engine against theory (analytic.hpp): exact recovery probabilities vs brute force and vs
// the engine's placement code (Monte Carlo), Corollary 1, Young/Daly and Eq. 1, expected failure
// counts, and the simulated optimal checkpoint interval of a disk strategy vs Daly's.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "gemini/analytic.hpp"
#include "gemini/failure_trace.hpp"
#include "gemini/optimize.hpp"
#include "gemini/placement.hpp"

namespace gemini {
namespace {

constexpr double kDay = 86400;

// Fraction of all k-subsets of N machines from which every checkpoint survives.
double brute_force(int n, int m, int k, Placement placement) {
  const auto holders = replica_holders(n, m, placement);
  int64_t good = 0, all = 0;
  std::vector<int> lost;
  std::function<void(int)> rec = [&](int next) {
    if (static_cast<int>(lost.size()) == k) {
      ++all;
      good += recoverable_from_memory(holders, lost);
      return;
    }
    for (int i = next; i < n; ++i) {
      lost.push_back(i);
      rec(i + 1);
      lost.pop_back();
    }
  };
  rec(0);
  return static_cast<double>(good) / static_cast<double>(all);
}

TEST(RecoveryProbability, ExactEqualsBruteForceForEveryPlacement) {
  for (int n = 1; n <= 11; ++n) {
    for (int m = 1; m <= n; ++m) {
      for (int k = 0; k <= n; ++k) {
        for (Placement p : {Placement::group, Placement::ring}) {
          ASSERT_NEAR(recovery_probability_exact(n, m, k, p), brute_force(n, m, k, p), 1e-12)
              << "N=" << n << " m=" << m << " k=" << k << " " << to_string(p);
        }
      }
    }
  }
}

TEST(RecoveryProbability, Corollary1IsABoundExactBelowTwoM) {
  for (int n : {8, 12, 16, 24}) {
    for (int m : {2, 3, 4}) {
      if (n % m != 0) continue;
      for (int k = 0; k <= n; ++k) {
        const double exact = recovery_probability_exact(n, m, k, Placement::group);
        EXPECT_LE(corollary1_bound(n, m, k), exact + 1e-12);
        if (k < 2 * m) {
          EXPECT_NEAR(corollary1_bound(n, m, k), exact, 1e-12) << n << " " << m << " " << k;
        }
      }
    }
  }
}

TEST(RecoveryProbability, MonteCarloThroughEnginePlacementWithinOnePercent) {
  struct Case { int n, m, k; Placement p; };
  for (const Case& c : {Case{16, 2, 2, Placement::group}, Case{17, 3, 4, Placement::group},
                        Case{20, 3, 5, Placement::ring}, Case{128, 4, 9, Placement::group},
                        Case{1000, 2, 3, Placement::group}}) {
    const double exact = recovery_probability_exact(c.n, c.m, c.k, c.p);
    const MonteCarloEstimate mc = recovery_probability_monte_carlo(c.n, c.m, c.k, c.p, 200000, 42);
    EXPECT_NEAR(mc.estimate, exact, 0.01) << c.n << " " << c.m << " " << c.k;
    EXPECT_NEAR(mc.estimate, exact, 4 * mc.ci95_half_width / 1.96 + 1e-9);
  }
}

TEST(ClosedForms, YoungDalyAndEquationOne) {
  EXPECT_NEAR(young_interval_s(60, 21600), std::sqrt(2 * 60 * 21600.0), 1e-9);
  const double x = 60 / (2 * 21600.0);
  EXPECT_NEAR(daly_interval_s(60, 21600), std::sqrt(2 * 60 * 21600.0) * (1 + std::sqrt(x) / 3 + x / 9) - 60, 1e-9);
  EXPECT_EQ(daly_interval_s(500, 200), 200);  // delta >= 2M: checkpoint every M
  EXPECT_NEAR(gemini_wasted_per_failure_s(3, 1.0 / 62, 5), 3 + 31 + 5, 1e-12);
}

TEST(ExpectedFailures, SimulatedCountsMatchWithinTheirConfidenceInterval) {
  Scenario s;
  s.machines = 64;
  s.horizon_s = 30 * kDay;
  s.failures.rate_per_machine_per_s = 0.015 / kDay;
  s.failures.correlated.push_back({8, 0.01 / kDay, FailureKind::hardware});
  s.failures.events.push_back({kDay, {3}, FailureKind::software, 0});
  const double expected = expected_failures(s);  // 28.8 + 2.4 + 1
  EXPECT_NEAR(expected, 0.015 * 64 * 30 + 0.01 * 8 * 30 + 1, 1e-9);
  double sum = 0, sum2 = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    const double n = static_cast<double>(generate_failure_trace(s, trial_seed(5, t)).size());
    sum += n, sum2 += n * n;
  }
  const double mean = sum / trials, sd = std::sqrt(sum2 / trials - mean * mean);
  EXPECT_NEAR(mean, expected, 1.96 * sd / std::sqrt(trials) * 1.5);  // 1.5: margin for a 95% CI
}

TEST(OptimalInterval, SimulatedStrawmanOptimumWithinTenPercentOfDaly) {
  // One machine, exponential software failures (MTTI 3 h), a blocking 30 s checkpoint whose upload
  // is instantaneous in effect (fast storage), quick recovery: Daly's setting.
  Scenario s;
  s.name = "daly";
  s.machines = 1;
  s.hardware = *find_builtin_hardware("p4d.24xlarge");
  s.model.name = "m";
  s.model.layers = 2, s.model.hidden = 64, s.model.heads = 4, s.model.vocab = 100, s.model.seq_len = 16;
  s.iteration_time_s = 1;
  s.horizon_s = 400 * kDay;
  s.storage = {1e15, 0};
  s.failures.rate_per_machine_per_s = 1 / (3 * 3600.0);
  s.failures.hardware_fraction = 0;
  s.recovery = {5, 0, 0, 0, 5};
  StrategySpec straw;
  straw.name = "strawman";
  straw.kind = StrategyKind::strawman;
  straw.serialization_s = 30;
  s.strategies = {straw};
  const OptimizeResult r = optimize_strategy(s, straw, 15, 4, 2);
  const double daly = daly_interval_s(30, 3 * 3600.0);
  EXPECT_NEAR(r.daly_interval_s, daly, 1e-9);
  EXPECT_NEAR(r.parabola_interval_s / daly, 1.0, 0.10) << "parabola " << r.parabola_interval_s << " daly " << daly;
}

}  // namespace
}  // namespace gemini
