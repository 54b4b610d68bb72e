// Percentiles use linear interpolation (numpy's default).
#include "stats.hpp"

#include <gtest/gtest.h>

namespace gr = gemini::real;

TEST(Stats, MedianAndSpread) {
  const auto s = gr::summarize({5, 1, 4, 2, 3});
  EXPECT_DOUBLE_EQ(s.median_s, 3);
  EXPECT_DOUBLE_EQ(s.p10_s, 1.4);
  EXPECT_DOUBLE_EQ(s.p90_s, 4.6);
  EXPECT_EQ(s.count, 5u);
}

TEST(Stats, EvenCountAndEmpty) {
  EXPECT_DOUBLE_EQ(gr::percentile({1, 2, 3, 4}, 50), 2.5);
  EXPECT_DOUBLE_EQ(gr::percentile({}, 50), 0);
  EXPECT_DOUBLE_EQ(gr::percentile({7}, 90), 7);
}
