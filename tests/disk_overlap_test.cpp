// finish_together_seconds: ranks of one disk save that start apart end together (disk_overlap.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "gemini/disk_overlap.hpp"

namespace gemini {
namespace {

TEST(FinishTogether, EachTakesTheAllAtOnceCostLessItsDelay) {
  const std::vector<double> s = finish_together_seconds({10.03, 10.0, 10.01}, 0.15, 0.02);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NEAR(s[0], 0.12, 1e-12);
  EXPECT_DOUBLE_EQ(s[1], 0.15);  // the first to start takes the whole all-at-once cost
  EXPECT_NEAR(s[2], 0.14, 1e-12);
}

TEST(FinishTogether, EveryWriterEndsAtTheSameTimeUnlessItStartsTooLate) {
  const std::vector<double> starts = {0.0, 0.04, 0.09, 0.2};
  const double all_at_once_s = 0.1, lone_s = 0.03;
  const std::vector<double> s = finish_together_seconds(starts, all_at_once_s, lone_s);
  for (size_t i = 0; i < starts.size(); ++i) {
    EXPECT_GE(s[i], lone_s);
    // Those that start early enough end together, at the first start + the all-at-once cost.
    if (starts[i] + lone_s <= all_at_once_s) {
      EXPECT_NEAR(starts[i] + s[i], all_at_once_s, 1e-12);
    }
  }
  EXPECT_DOUBLE_EQ(s[2], lone_s);  // 0.01 s left: it still takes a lone writer's cost
  EXPECT_DOUBLE_EQ(s[3], lone_s);
}

TEST(FinishTogether, WritersStartingTogetherPayTheAllAtOnceCost) {
  const std::vector<double> s = finish_together_seconds({5, 5, 5, 5}, 0.2, 0.05);
  EXPECT_TRUE(std::all_of(s.begin(), s.end(), [](double x) { return x == 0.2; }));
  EXPECT_TRUE(finish_together_seconds({}, 0.2, 0.05).empty());
}

TEST(DiskOverlapNames, RoundTripAndRejectOthers) {
  for (DiskOverlap o : kDiskOverlaps)
    EXPECT_EQ(parse_disk_overlap(disk_overlap_name(o)), o);
  EXPECT_FALSE(parse_disk_overlap("fair-share").has_value());
}

}  // namespace
}  // namespace gemini
