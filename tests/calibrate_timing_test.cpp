// Tests of the timing helpers (calibrate/include/gemini/calibrate/timing.hpp); no timing assertions.
#include <gtest/gtest.h>

#include "gemini/calibrate/timing.hpp"

using namespace gemini::calibrate;

TEST(calibrate_timing_test, percentile_matches_numpy_linear) {
  const std::vector<double> v = {15, 20, 35, 40, 50};
  EXPECT_DOUBLE_EQ(percentile(v, 0), 15);
  EXPECT_DOUBLE_EQ(percentile(v, 100), 50);
  EXPECT_DOUBLE_EQ(percentile(v, 50), 35);
  EXPECT_DOUBLE_EQ(percentile(v, 40), 29);   // numpy.percentile([15,20,35,40,50], 40)
  EXPECT_DOUBLE_EQ(percentile(v, 10), 17);
  EXPECT_DOUBLE_EQ(percentile(v, 90), 46);
  EXPECT_DOUBLE_EQ(percentile({3, 1, 2, 4}, 50), 2.5);  // unsorted input, even count
  EXPECT_DOUBLE_EQ(percentile({7}, 90), 7);
}

TEST(calibrate_timing_test, percentile_rejects_bad_input) {
  EXPECT_THROW(percentile({}, 50), std::invalid_argument);
  EXPECT_THROW(percentile({1, 2}, -1), std::invalid_argument);
  EXPECT_THROW(percentile({1, 2}, 101), std::invalid_argument);
  EXPECT_THROW(summarize({}), std::invalid_argument);
}

TEST(calibrate_timing_test, summarize_orders_statistics) {
  std::vector<double> v;
  for (int i = 10; i >= 1; --i) v.push_back(i);  // 10..1
  const Stats s = summarize(v);
  EXPECT_EQ(s.count, 10);
  EXPECT_DOUBLE_EQ(s.min_s, 1);
  EXPECT_DOUBLE_EQ(s.max_s, 10);
  EXPECT_DOUBLE_EQ(s.median_s, 5.5);
  EXPECT_DOUBLE_EQ(s.p10_s, 1.9);
  EXPECT_DOUBLE_EQ(s.p90_s, 9.1);
}

TEST(calibrate_timing_test, repeated_runs_warmups_then_reps) {
  int calls = 0;
  std::vector<double> returned = {100, 200, 1, 2, 3};  // two warm-ups (discarded), three reps
  const Stats s = measure_repeated(2, 3, [&] { return returned[static_cast<size_t>(calls++)]; });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(s.count, 3);
  EXPECT_DOUBLE_EQ(s.median_s, 2);
  EXPECT_DOUBLE_EQ(s.max_s, 3);
  EXPECT_THROW(measure_repeated(0, 0, [] { return 1.0; }), std::invalid_argument);

  int runs = 0;
  const Stats t = time_repeated(1, 4, [&] { ++runs; });
  EXPECT_EQ(runs, 5);
  EXPECT_EQ(t.count, 4);
  EXPECT_GE(t.min_s, 0.0);
  EXPECT_LE(t.min_s, t.median_s);
  EXPECT_LE(t.median_s, t.max_s);
}
