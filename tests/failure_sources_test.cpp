// Tests of the failure models (failure_sources.hpp) and their scenario keys: Weibull renewal,
// "N failures over the run", per-GPU rates, correlated groups, the Llama 3 kind mix, and replay
// of a CSV failure log (failure_log.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "cli_support.hpp"
#include "gemini/failure_log.hpp"
#include "gemini/failure_trace.hpp"

namespace gemini {
namespace {

constexpr double kDay = 86400;

Scenario base(int machines, double horizon_s) {
  Scenario s;
  s.name = "t";
  s.machines = machines;
  s.horizon_s = horizon_s;
  s.recovery.replacement_min_s = s.recovery.replacement_max_s = 300;
  return s;
}

// Writes `text` to a file in this test process's scratch directory (removed at exit).
std::string write_temp(const std::string& name, const std::string& text) {
  static const gemini::test::Scratch scratch("gemini-fs-test-");
  return scratch.write(name, text);
}

TEST(WeibullFailures, MeanTimeBetweenFailuresAndShape) {
  Scenario s = base(4, 4000 * kDay);
  s.failures.model = FailureModel::weibull;
  s.failures.weibull_shape = 0.7;
  s.failures.rate_per_machine_per_s = 1.0 / kDay;
  const auto trace = generate_failure_trace(s, 11);
  // Each machine is a renewal process with mean 1 day: about 4000 failures each.
  std::map<int, std::vector<double>> times;
  for (const auto& e : trace) times[e.machines[0]].push_back(e.time_s);
  ASSERT_EQ(times.size(), 4u);
  double sum = 0, sum2 = 0, n = 0;
  for (auto& [m, ts] : times) {
    for (size_t i = 1; i < ts.size(); ++i) {
      const double gap = ts[i] - ts[i - 1];
      sum += gap, sum2 += gap * gap, ++n;
    }
  }
  const double mean = sum / n, cv2 = (sum2 / n - mean * mean) / (mean * mean);
  EXPECT_NEAR(mean / kDay, 1.0, 0.05);
  // Weibull: CV^2 = Gamma(1 + 2/k) / Gamma(1 + 1/k)^2 - 1 (2.10 for k = 0.7; 1 would be exponential).
  const double k = 0.7, expected_cv2 = std::tgamma(1 + 2 / k) / std::pow(std::tgamma(1 + 1 / k), 2) - 1;
  EXPECT_NEAR(cv2, expected_cv2, 0.15 * expected_cv2);
}

TEST(CorrelatedFailures, WholeGroupsFailTogetherAtTheirRate) {
  Scenario s = base(10, 1000 * kDay);
  s.failures.correlated.push_back({4, 0.1 / kDay, FailureKind::hardware});  // groups {0-3} {4-7} {8,9}
  const auto trace = generate_failure_trace(s, 5);
  const double expected = 0.1 * 3 * 1000;  // 300 events
  EXPECT_NEAR(static_cast<double>(trace.size()), expected, 4 * std::sqrt(expected));
  for (const auto& e : trace) {
    ASSERT_FALSE(e.machines.empty());
    EXPECT_EQ(e.machines.front() % 4, 0);
    EXPECT_EQ(e.machines.size(), e.machines.front() == 8 ? 2u : 4u);
    for (size_t i = 1; i < e.machines.size(); ++i) EXPECT_EQ(e.machines[i], e.machines[i - 1] + 1);
  }
}

TEST(FailureMix, Llama3MixAndNetworkOutages) {
  Scenario s = base(64, 3000 * kDay);
  s.failures.rate_per_machine_per_s = 0.1 / kDay;  // ~19,200 failures
  s.failures.hardware_fraction = 323.0 / 419;
  s.failures.network_fraction = 35.0 / 419;
  s.failures.network_outage_s = 600;
  const auto trace = generate_failure_trace(s, 2);
  std::map<FailureKind, double> count;
  for (const auto& e : trace) {
    ++count[e.kind];
    EXPECT_EQ(e.duration_s, e.kind == FailureKind::network ? 600 : 0);
  }
  const double n = static_cast<double>(trace.size());
  EXPECT_NEAR(count[FailureKind::hardware] / n, 323.0 / 419, 0.015);
  EXPECT_NEAR(count[FailureKind::network] / n, 35.0 / 419, 0.01);
  EXPECT_NEAR(count[FailureKind::software] / n, 61.0 / 419, 0.01);
}

TEST(ScenarioFailureKeys, CountRatePerGpuAndMixParse) {
  const std::string common =
      "name: t\ncluster: {machines: 16, hardware: p4d.24xlarge}\nmodel: gpt2-xl\nhorizon: 30d\n"
      "storage: {bandwidth: 20Gbps}\nstrategies: [gemini]\n";
  // 419 failures over the run => per-machine rate 419 / (16 machines x 30 days).
  Scenario a = load_scenario(write_temp("a.yaml", common + "failures: {count: 419, mix: llama3}\n"));
  EXPECT_NEAR(a.failures.rate_per_machine_per_s * 16 * 30 * kDay, 419, 1e-9);
  EXPECT_NEAR(a.failures.hardware_fraction, 323.0 / 419, 1e-12);
  EXPECT_NEAR(a.failures.network_fraction, 35.0 / 419, 1e-12);
  Scenario b = load_scenario(write_temp("b.yaml", common + "failures: {rate_per_gpu: 0.1%/day}\n"));
  EXPECT_NEAR(b.failures.rate_per_machine_per_s * kDay, 8 * 0.001, 1e-12);  // 8 GPUs per p4d
  EXPECT_THROW(load_scenario(write_temp("c.yaml", common + "failures: {rate: 1%/day, count: 3}\n")), ConfigError);
  EXPECT_THROW(load_scenario(write_temp("d.yaml", common + "failures: {weibull_shape: 0.7}\n")), ConfigError);
  EXPECT_THROW(load_scenario(write_temp("e.yaml", common + "failures: {mix: llama3, hardware_fraction: 50%}\n")),
               ConfigError);
}

TEST(FailureLog, ReplaysRowsResolvesAnyAndIgnoresPastTheHorizon) {
  const std::string path = write_temp("log.csv",
                                      "time,machine,kind,duration\n"
                                      "# a comment\n"
                                      "3600,2,hardware\n"
                                      "2h,any,software\n"
                                      "5h,1,network,10min\n"
                                      "40d,3,hardware\n");
  const FailureLog log = read_failure_log(path, 4, 30 * kDay);
  ASSERT_EQ(log.failures.size(), 3u);
  EXPECT_EQ(log.ignored_outside_horizon, 1);
  EXPECT_EQ(log.failures[0].at_s, 3600);
  EXPECT_EQ(log.failures[0].machines, std::vector<int>{2});
  EXPECT_TRUE(log.failures[1].machines.empty());  // any
  EXPECT_EQ(log.failures[2].duration_s, 600);

  Scenario s = base(4, 30 * kDay);
  s.failures.replayed = log.failures;
  const auto trace = generate_failure_trace(s, 9);
  ASSERT_EQ(trace.size(), 3u);
  EXPECT_GE(trace[1].machines.at(0), 0);
  EXPECT_LT(trace[1].machines.at(0), 4);
  EXPECT_EQ(trace[2].kind, FailureKind::network);
}

TEST(FailureLog, MalformedRowsNameTheLine) {
  const auto line_of_error = [](const std::string& text) {
    try {
      read_failure_log(write_temp("bad.csv", text), 4, 30 * kDay);
    } catch (const ConfigError& e) {
      return e.line;
    }
    return -1;
  };
  EXPECT_EQ(line_of_error("time,machine,kind\n1h,7,hardware\n"), 2);   // machine out of range
  EXPECT_EQ(line_of_error("1h,0,hardware\n2h,0,meteor\n"), 2);        // unknown kind
  EXPECT_EQ(line_of_error("1h,0\n"), 1);                               // too few fields
  EXPECT_EQ(line_of_error("1h,0,software\n\nsoon,0,software\n"), 3);  // bad time
  EXPECT_EQ(line_of_error("1h,0,hardware,5min\n"), 1);                 // duration on hardware
  EXPECT_EQ(line_of_error("-5,0,hardware\n"), 1);                      // negative time
}

}  // namespace
}  // namespace gemini
