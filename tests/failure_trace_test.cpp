// Tests of failure-trace generation (failure_trace.hpp): determinism per seed, distinct traces
// per trial, Poisson event counts, the hardware/software split, and explicit events.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "gemini/failure_trace.hpp"

namespace gemini {
namespace {

Scenario random_failures(double rate_per_machine_per_s, int machines, double horizon_s) {
  Scenario s;
  s.name = "trace";
  s.machines = machines;
  s.horizon_s = horizon_s;
  s.failures.rate_per_machine_per_s = rate_per_machine_per_s;
  s.failures.hardware_fraction = 0.78;
  s.recovery.replacement_min_s = 240;
  s.recovery.replacement_max_s = 420;
  return s;
}

bool same_trace(const std::vector<FailureEvent>& a, const std::vector<FailureEvent>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].time_s != b[i].time_s || a[i].machines != b[i].machines || a[i].kind != b[i].kind ||
        a[i].replacement_delay_s != b[i].replacement_delay_s) {
      return false;
    }
  }
  return true;
}

TEST(FailureTraceTest, SameSeedSameTrace) {
  const Scenario s = random_failures(1.0 / 86400, 16, 30 * 86400.0);  // ~480 events
  const auto a = generate_failure_trace(s, trial_seed(7, 3));
  const auto b = generate_failure_trace(s, trial_seed(7, 3));
  ASSERT_GT(a.size(), 100u);
  EXPECT_TRUE(same_trace(a, b));
  EXPECT_EQ(trial_seed(7, 3), trial_seed(7, 3));
}

TEST(FailureTraceTest, DifferentTrialsDiffer) {
  const Scenario s = random_failures(1.0 / 86400, 16, 30 * 86400.0);
  std::set<uint64_t> seeds;
  for (int trial = 0; trial < 50; ++trial) seeds.insert(trial_seed(1, trial));
  for (uint64_t scenario_seed = 2; scenario_seed < 20; ++scenario_seed) seeds.insert(trial_seed(scenario_seed, 0));
  EXPECT_EQ(seeds.size(), 50u + 18u);  // every (scenario seed, trial) gets its own stream

  const auto t0 = generate_failure_trace(s, trial_seed(1, 0));
  const auto t1 = generate_failure_trace(s, trial_seed(1, 1));
  const auto u0 = generate_failure_trace(s, trial_seed(2, 0));
  EXPECT_FALSE(same_trace(t0, t1));
  EXPECT_FALSE(same_trace(t0, u0));
  ASSERT_FALSE(t0.empty());
  ASSERT_FALSE(t1.empty());
  EXPECT_NE(t0.front().time_s, t1.front().time_s);
}

TEST(FailureTraceTest, EventCountIsPoisson) {
  // rate * machines * horizon = 1/day * 100 machines * 100 days = 10,000 expected events. A
  // Poisson count that large is normal within a hair: the 99.9% interval is
  // 10,000 +- 3.29 * sqrt(10,000) = [9671, 10329].
  const double rate = 1.0 / 86400, machines = 100, horizon = 100 * 86400.0;
  const Scenario s = random_failures(rate, static_cast<int>(machines), horizon);
  const double expected = rate * machines * horizon;
  for (int trial = 0; trial < 3; ++trial) {
    const auto trace = generate_failure_trace(s, trial_seed(1, trial));
    const double n = static_cast<double>(trace.size());
    EXPECT_NEAR(n, expected, 3.29 * std::sqrt(expected)) << "trial " << trial;
    for (const FailureEvent& e : trace) {
      ASSERT_GE(e.time_s, 0);
      ASSERT_LT(e.time_s, horizon);
      ASSERT_EQ(e.machines.size(), 1u);
      ASSERT_GE(e.machines[0], 0);
      ASSERT_LT(e.machines[0], s.machines);
      ASSERT_GE(e.replacement_delay_s, 240);
      ASSERT_LE(e.replacement_delay_s, 420);
    }
    EXPECT_TRUE(std::is_sorted(trace.begin(), trace.end(),
                               [](const FailureEvent& a, const FailureEvent& b) { return a.time_s < b.time_s; }));
  }
}

TEST(FailureTraceTest, MachinesAreChosenUniformly) {
  // 10,000 events over 4 machines: each gets 2,500 +- 3.29 * sqrt(10,000 * 1/4 * 3/4).
  const Scenario s = random_failures(25.0 / 86400, 4, 100 * 86400.0);
  const auto trace = generate_failure_trace(s, trial_seed(3, 0));
  std::vector<double> per_machine(4, 0);
  for (const FailureEvent& e : trace) per_machine[e.machines[0]] += 1;
  const double n = static_cast<double>(trace.size());
  for (int m = 0; m < 4; ++m) EXPECT_NEAR(per_machine[m], n / 4, 3.29 * std::sqrt(n * 0.25 * 0.75)) << "machine " << m;
}

TEST(FailureTraceTest, HardwareFractionHolds) {
  for (double fraction : {0.0, 0.3, 0.78, 1.0}) {
    Scenario s = random_failures(1.0 / 86400, 100, 100 * 86400.0);
    s.failures.hardware_fraction = fraction;
    const auto trace = generate_failure_trace(s, trial_seed(5, 0));
    const double n = static_cast<double>(trace.size());
    const double hw = static_cast<double>(std::count_if(
        trace.begin(), trace.end(), [](const FailureEvent& e) { return e.kind == FailureKind::hardware; }));
    // 99.9% binomial interval around the configured share (exact at 0 and 1).
    EXPECT_NEAR(hw / n, fraction, 3.29 * std::sqrt(fraction * (1 - fraction) / n) + 1e-12) << "fraction " << fraction;
  }
}

TEST(FailureTraceTest, NoRateNoEvents) {
  const Scenario s = random_failures(0, 16, 86400);
  EXPECT_TRUE(generate_failure_trace(s, trial_seed(1, 0)).empty());
}

TEST(FailureTraceTest, ExplicitEventsAreMergedAndSorted) {
  Scenario s = random_failures(2.0 / 86400, 8, 5 * 86400.0);
  s.recovery.replacement_min_s = 100;
  s.recovery.replacement_max_s = 100;
  // Given out of order on purpose.
  s.failures.events = {{3 * 86400.0, {2, 5}, FailureKind::hardware},
                       {3600.0, {0}, FailureKind::software},
                       {86400.0, {7}, FailureKind::hardware}};
  const auto random_only = [&] {
    Scenario r = s;
    r.failures.events.clear();
    return generate_failure_trace(r, trial_seed(1, 0));
  }();
  const auto trace = generate_failure_trace(s, trial_seed(1, 0));
  ASSERT_EQ(trace.size(), random_only.size() + 3);
  EXPECT_TRUE(std::is_sorted(trace.begin(), trace.end(),
                             [](const FailureEvent& a, const FailureEvent& b) { return a.time_s < b.time_s; }));
  // The random part is unchanged by adding explicit events (they draw after it).
  std::vector<FailureEvent> random_part;
  for (const FailureEvent& e : trace) {
    const bool is_explicit = std::any_of(s.failures.events.begin(), s.failures.events.end(),
                                         [&](const ExplicitFailure& x) { return x.at_s == e.time_s; });
    if (!is_explicit) random_part.push_back(e);
  }
  EXPECT_TRUE(same_trace(random_part, random_only));
  for (const ExplicitFailure& x : s.failures.events) {
    const auto it = std::find_if(trace.begin(), trace.end(), [&](const FailureEvent& e) { return e.time_s == x.at_s; });
    ASSERT_NE(it, trace.end()) << "event at " << x.at_s;
    EXPECT_EQ(it->machines, x.machines);
    EXPECT_EQ(it->kind, x.kind);
    EXPECT_EQ(it->replacement_delay_s, 100);
  }
}

TEST(FailureTraceTest, ExplicitEventsAloneWithoutRate) {
  Scenario s = random_failures(0, 4, 1000);
  s.failures.events = {{500, {1}, FailureKind::software}, {10, {3}, FailureKind::hardware}, {500, {2}, FailureKind::hardware}};
  const auto trace = generate_failure_trace(s, 42);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_EQ(trace[0].time_s, 10);
  EXPECT_EQ(trace[0].machines, std::vector<int>{3});
  // Ties keep the order they were given in (stable sort).
  EXPECT_EQ(trace[1].machines, std::vector<int>{1});
  EXPECT_EQ(trace[2].machines, std::vector<int>{2});
  EXPECT_EQ(trace[1].kind, FailureKind::software);
}

TEST(FailureTraceTest, RngIsInOpenUnitInterval) {
  Rng rng(123);
  double total = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform01();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    total += u;
  }
  EXPECT_NEAR(total / 100000, 0.5, 0.005);
  Rng a(9), b(9);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

}  // namespace
}  // namespace gemini
