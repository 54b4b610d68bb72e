// gemini-sim compare --medians: secants through a calibration's medians (compare.hpp).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gemini/compare.hpp"

using namespace gemini;
using namespace gemini::compare;

namespace {

std::vector<MeasuredSize> sizes(std::initializer_list<std::pair<double, double>> points) {
  std::vector<MeasuredSize> v;
  for (auto [b, t] : points) v.push_back({b, t, std::nullopt});
  return v;
}

// The committed CPU calibrations, one per machine kind (paths without .yaml / .json).
const std::vector<std::string> kCommittedCalibrations = {
    std::string(GEMINI_SOURCE_DIR) + "/calibrate/profiles/cpu-amd-epyc",
    std::string(GEMINI_SOURCE_DIR) + "/calibrate/profiles/cpu-intel-xeon"};

}  // namespace

TEST(Secant, PassesThroughTheTwoMeasuredSizesAroundTheRunsSize) {
  const auto s = sizes({{1e6, 0.01}, {4e6, 0.02}, {16e6, 0.08}});
  const auto line = secant_at(s, 2e6, false);
  ASSERT_TRUE(line);
  EXPECT_NEAR(line->seconds(1e6), 0.01, 1e-12);
  EXPECT_NEAR(line->seconds(4e6), 0.02, 1e-12);
  EXPECT_NEAR(line->seconds(2e6), 0.01 + 0.01 / 3, 1e-12);
  EXPECT_NEAR(line->bandwidth_bytes_per_s, 3e8, 1e-3);
  // At a measured size it is that median; above it, the next pair.
  const auto upper = secant_at(s, 10e6, false);
  ASSERT_TRUE(upper);
  EXPECT_NEAR(upper->seconds(16e6), 0.08, 1e-12);
  EXPECT_NEAR(upper->seconds(4e6), 0.02, 1e-12);
  EXPECT_NEAR(secant_at(s, 4e6, false)->seconds(4e6), 0.02, 1e-12);
}

TEST(Secant, OutsideTheMeasuredRangeExtendsTheNearestPair) {
  const auto s = sizes({{1e6, 0.01}, {4e6, 0.02}, {16e6, 0.08}});
  EXPECT_NEAR(secant_at(s, 32e6, false)->seconds(32e6), 0.08 + 16e6 * 0.06 / 12e6, 1e-12);
  EXPECT_NEAR(secant_at(s, 0.5e6, false)->seconds(0.5e6), 0.01 - 0.5e6 * 0.01 / 3e6, 1e-12);
}

TEST(Secant, ANegativeInterceptBecomesTheLineThroughTheOriginWithTheSameTimeAtTheSize) {
  const auto s = sizes({{1e6, 0.001}, {2e6, 0.010}});  // secant's intercept: -0.008 s
  const auto line = secant_at(s, 1.5e6, false);
  ASSERT_TRUE(line);
  EXPECT_EQ(line->alpha_s, 0.0);
  EXPECT_NEAR(line->seconds(1.5e6), 0.0055, 1e-12);
}

TEST(Secant, NoLineWithoutTwoSizesOrWhenTimeDoesNotGrow) {
  EXPECT_FALSE(secant_at(sizes({{1e6, 0.01}}), 1e6, false));
  EXPECT_FALSE(secant_at(sizes({{1e6, 0.02}, {4e6, 0.01}}), 2e6, false));
  EXPECT_FALSE(secant_at(sizes({{1e6, 0.01}, {4e6, 0.02}}), 2e6, true));  // no slowest recorded
}

TEST(Secant, SlowestUsesTheSlowestMedians) {
  std::vector<MeasuredSize> s = {{1e6, 0.01, 0.02}, {4e6, 0.02, 0.05}};
  EXPECT_NEAR(secant_at(s, 4e6, true)->seconds(4e6), 0.05, 1e-12);
  EXPECT_NEAR(secant_at(s, 4e6, false)->seconds(4e6), 0.02, 1e-12);
}

TEST(CostsAtSize, ReplacesWhatTheMediansCoverAndKeepsTheRestsFit) {
  HostCosts fitted;
  fitted.memcpy = {1e-4, 1e10};
  fitted.disk_read = {1e-3, 2e9};
  fitted.disk_read_beside_memory = {{1e-3, 1e9}, 2, LinearCost{2e-3, 0.9e9}, 2};
  fitted.memory_retrieval_busiest[3] = {{1e-3, 1e9}, 4, LinearCost{2e-3, 0.5e9}, 0};
  fitted.memory_retrieval_busiest[2] = {{1e-3, 1e9}, 4, LinearCost{2e-3, 0.5e9}, 0};  // no medians: its fit
  CalibrationMedians m;
  m.by_benchmark["host-memcpy"] = sizes({{1e6, 0.0002}, {4e6, 0.0005}});
  m.by_benchmark["disk-read-cold-beside-memory"] = {{1e6, 0.002, 0.003}, {4e6, 0.005, 0.007}};
  m.by_benchmark["memory-retrieval-busiest-3"] = {{1e6, 0.004, 0.006}, {4e6, 0.010, 0.016}};
  m.by_benchmark["tcp-loopback-fresh"] = sizes({{1e6, 0.001}, {4e6, 0.002}});  // fitted has none: stays absent
  std::vector<std::string> replaced;
  const HostCosts c = costs_at_size(fitted, m, 4e6, &replaced);
  EXPECT_NEAR(c.memcpy.seconds(4e6), 0.0005, 1e-12);
  EXPECT_NEAR(c.disk_read_beside_memory.each.seconds(4e6), 0.005, 1e-12);
  EXPECT_NEAR(c.disk_read_beside_memory.slowest->seconds(4e6), 0.007, 1e-12);
  EXPECT_EQ(c.disk_read_beside_memory.concurrency, 2);
  EXPECT_EQ(c.disk_read.alpha_s, 1e-3);  // no medians for disk-read-cold: its fit
  EXPECT_FALSE(c.tcp_fresh);
  EXPECT_EQ(c.disk_read_concurrent.concurrency, 0);
  EXPECT_NEAR(c.memory_retrieval_busiest.at(3).slowest->seconds(4e6), 0.016, 1e-12);
  EXPECT_NEAR(c.memory_retrieval_busiest.at(3).each.seconds(4e6), 0.010, 1e-12);
  EXPECT_EQ(c.memory_retrieval_busiest.at(2).slowest->alpha_s, 2e-3);
  EXPECT_EQ(replaced, (std::vector<std::string>{"host-memcpy", "disk-read-cold-beside-memory",
                                                "disk-read-cold-beside-memory (slowest)", "memory-retrieval-busiest-3",
                                                "memory-retrieval-busiest-3 (slowest)"}));
}

// Property, on a committed calibration: at every measured size the beside-memory readers' cost
// is that size's median (and the slowest reader's), and the fresh loopback transfer's likewise.
void expect_medians_reproduced(const std::string& committed) {
  SCOPED_TRACE(committed);
  const HostCosts fitted = load_host_costs(committed + ".yaml");
  const CalibrationMedians m = load_calibration_medians(committed + ".json");
  EXPECT_EQ(m.date_utc, fitted.date_utc);
  const auto& beside = m.by_benchmark.at("disk-read-cold-beside-memory");
  ASSERT_GE(beside.size(), 3u);
  for (const MeasuredSize& s : beside) {
    const HostCosts c = costs_at_size(fitted, m, s.bytes);
    EXPECT_NEAR(c.disk_read_beside_memory.each.seconds(s.bytes), s.median_s, 1e-9 * s.median_s);
    ASSERT_TRUE(s.slowest_median_s);
    EXPECT_NEAR(c.disk_read_beside_memory.slowest->seconds(s.bytes), *s.slowest_median_s, 1e-9 * s.median_s);
  }
  for (const MeasuredSize& s : m.by_benchmark.at("tcp-loopback-fresh")) {
    const HostCosts c = costs_at_size(fitted, m, s.bytes);
    EXPECT_NEAR(c.tcp_fresh->seconds(s.bytes), s.median_s, 1e-9 * s.median_s);
    EXPECT_GE(c.tcp_fresh->alpha_s, 0.0);
  }
  EXPECT_EQ(m.by_benchmark.count("gpu-d2h-pinned"), 0u);  // skipped benchmarks have no medians
}

TEST(CostsAtSize, ReproducesTheCommittedCalibrationsMediansAtItsSizes) {
  for (const std::string& committed : kCommittedCalibrations) expect_medians_reproduced(committed);
}

TEST(CalibrationMediansFile, BadFilesAreClearErrors) {
  const std::string dir = ::testing::TempDir();
  auto expect_error = [&](const std::string& text, const std::string& want) {
    const std::string path = dir + "/medians.json";
    std::ofstream(path) << text;
    try {
      load_calibration_medians(path);
      FAIL() << "no error for: " << text;
    } catch (const RunFileError& e) {
      EXPECT_NE(std::string(e.what()).find(want), std::string::npos) << e.what();
    }
  };
  expect_error("{\"benchmarks\": [", "not valid JSON");
  expect_error("{\"schema\": \"gemini-run/1\"}", "not a gemini-calibrate --out-json file");
  expect_error("{\"benchmarks\": [{\"name\": \"x\", \"status\": \"ok\", \"points\": [{\"bytes\": 1}]}]}",
               "unexpected layout");
  expect_error("{\"benchmarks\": [{\"name\": \"x\", \"status\": \"ok\", \"points\": [{\"bytes\": 0, \"median_s\": 1}]}]}",
               "bytes <= 0");
  EXPECT_THROW(load_calibration_medians(dir + "/none.json"), RunFileError);
}
