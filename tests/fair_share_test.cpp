// Fair sharing of one resource (gemini-sim compare's disk writers): the closed cases and the
// conservation of work.
#include "gemini/fair_share.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>

using gemini::fair_share_seconds;

TEST(FairShare, TogetherEachTakesTheWholeWork) {
  for (double s : fair_share_seconds({2, 2, 2, 2}, 100, 50)) EXPECT_NEAR(s, 8.0, 1e-9);
}

TEST(FairShare, ApartEachRunsAlone) {
  for (double s : fair_share_seconds({0, 10, 5}, 100, 50)) EXPECT_NEAR(s, 2.0, 1e-9);
}

TEST(FairShare, HalfOverlap) {
  // A runs alone for 0.5 s (half done), then both at half rate: A ends at 1.5, B at 2.0.
  const auto s = fair_share_seconds({0.0, 0.5}, 10, 10);
  EXPECT_NEAR(s[0], 1.5, 1e-9);
  EXPECT_NEAR(s[1], 1.5, 1e-9);
}

TEST(FairShare, WorkIsConserved) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> start(0.0, 0.3);
  for (int round = 0; round < 50; ++round) {
    std::vector<double> starts(4);
    for (double& x : starts) x = start(rng);
    const auto s = fair_share_seconds(starts, 1.0, 10.0);
    double first = 1e9, last = 0;
    for (size_t i = 0; i < starts.size(); ++i) {
      EXPECT_GE(s[i], 0.1 - 1e-12);            // never faster than alone
      EXPECT_LE(s[i], 0.4 + 1e-9);             // never slower than all four at once
      first = std::min(first, starts[i]);
      last = std::max(last, starts[i] + s[i]);
    }
    EXPECT_GE(last - first, 0.4 - 1e-9);       // 4 units at 10 per second take 0.4 s at least
  }
}

TEST(FairShare, BadRateIsRefused) {
  EXPECT_THROW(fair_share_seconds({0.0}, 1, 0), std::invalid_argument);
  EXPECT_TRUE(fair_share_seconds({}, 1, 1).empty());
}
