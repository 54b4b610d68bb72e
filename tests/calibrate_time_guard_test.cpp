// Tests of the sweeps' time guard (--time-limit-s): the predicted time of the next size, with
// the disk benchmarks' rest, and the rounds of a concurrent sweep counted like the sweep counts them.
#include <gtest/gtest.h>

#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/timing.hpp"

using namespace gemini::calibrate;

namespace {
SweepConfig sweep(std::vector<uint64_t> sizes, double limit_s, double rest_s = 0) {
  SweepConfig c;
  c.sizes = std::move(sizes);
  c.reps_max = 10;
  c.reps_min = 3;
  c.warmups = 1;
  c.time_limit_s = limit_s;
  c.rest_s = rest_s;
  return c;
}

BenchmarkResult with_point(double bytes, double round_median_s) {
  BenchmarkResult r;
  r.name = "disk-write-concurrent";
  Stats s;
  s.median_s = round_median_s;
  r.points.push_back({bytes, s, std::nullopt, {{"round_median_s", round_median_s}}, std::nullopt});
  return r;
}
}  // namespace

TEST(calibrate_time_guard_test, prediction_scales_by_bytes_and_adds_the_rest_per_run) {
  const auto c = sweep({1 << 20, 4 << 20, 16 << 20}, 0);
  // 16 MiB: 1 warm-up + 10 reps; 0.1 s at 4 MiB -> 0.4 s per run.
  EXPECT_NEAR(predict_next_s(c, 2, 4 << 20, 0.1), 11 * 0.4, 1e-9);
  const auto rested = sweep({1 << 20, 4 << 20, 16 << 20}, 0, 3.0);
  EXPECT_NEAR(predict_next_s(rested, 2, 4 << 20, 0.1), 11 * 3.4, 1e-9);
  EXPECT_EQ(predict_next_s(c, 3, 4 << 20, 0.1), 0.0);  // past the last size
}

TEST(calibrate_time_guard_test, concurrent_sweep_counts_rounds_by_all_threads_bytes) {
  Progress quiet(0, true);
  // Next size 64 MiB per thread, 4 threads: 256 MiB in all -> 1 warm-up + 3 rounds (reps_for_size
  // of 256 MiB with --reps 10), each 0.5 s x 64/16 = 2 s: 8 s predicted. Per-thread bytes
  // would have counted 11 rounds (22 s).
  const auto c = sweep({1 << 20, 4 << 20, 16 << 20, 64 << 20}, 10.0);
  BenchmarkResult r = with_point(16 << 20, 0.5);
  EXPECT_FALSE(concurrent_over_time_limit(c, now_s(), 3, 4, r, quiet));
  EXPECT_TRUE(r.notes.empty());
  const auto tight = sweep({1 << 20, 4 << 20, 16 << 20, 64 << 20}, 7.0);
  EXPECT_TRUE(concurrent_over_time_limit(tight, now_s(), 3, 4, r, quiet));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("skipped: 64 MiB"), std::string::npos) << r.notes[0];
  // The rest counts too: 4 rounds x (2 + 1) s = 12 s > 10 s.
  const auto rested = sweep({1 << 20, 4 << 20, 16 << 20, 64 << 20}, 10.0, 1.0);
  EXPECT_TRUE(concurrent_over_time_limit(rested, now_s(), 3, 4, r, quiet));
}
