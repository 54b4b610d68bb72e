// Closed-form stretches with periodic blocking checkpoints (periodic_checkpoints.hpp), checked
// against a step-by-step walk of the same timeline.
#include <gtest/gtest.h>

#include "gemini/periodic_checkpoints.hpp"

namespace gemini {
namespace {

// Walks iteration by iteration: the reference the closed form must match.
PeriodicStretch::State walk(const PeriodicStretch& p, double t) {
  PeriodicStretch::State st;
  double now = p.start_s;
  int64_t it = p.start_iteration;
  for (;;) {
    if (now + p.iteration_s > t) {
      st.progress = static_cast<double>(it) + (t - now) / p.iteration_s;
      return st;
    }
    now += p.iteration_s;
    ++it;
    if (it % p.interval != 0) continue;
    if (now + p.stall_s > t) {
      st.progress = static_cast<double>(it);
      st.stall_s += t - now;
      return st;
    }
    now += p.stall_s;
    st.stall_s += p.stall_s;
    ++st.checkpoints_done;
    if (now + p.completion_s <= t) {
      st.has_complete = true;
      st.complete_iteration = it;
      st.complete_s = now + p.completion_s;
    }
  }
}

TEST(PeriodicStretch, ClosedFormMatchesAWalkEverywhere) {
  for (int64_t start : {0, 3, 10, 17}) {
    PeriodicStretch p{100.0, start, 2.0, 5, 3.0, 4.0};  // period 13 s, upload 4 s
    for (double t = 100; t < 260; t += 0.37) {
      const auto a = p.at(t), b = walk(p, t);
      ASSERT_NEAR(a.progress, b.progress, 1e-9) << "start " << start << " t " << t;
      ASSERT_NEAR(a.stall_s, b.stall_s, 1e-9) << "start " << start << " t " << t;
      ASSERT_EQ(a.checkpoints_done, b.checkpoints_done) << "t " << t;
      ASSERT_EQ(a.has_complete, b.has_complete) << "start " << start << " t " << t;
      if (a.has_complete) {
        ASSERT_EQ(a.complete_iteration, b.complete_iteration) << "t " << t;
        ASSERT_NEAR(a.complete_s, b.complete_s, 1e-9);
      }
    }
  }
}

TEST(PeriodicStretch, ACheckpointCompletesOnlyAfterItsStallAndUpload) {
  PeriodicStretch p{0.0, 0, 1.0, 10, 2.0, 5.0};  // iteration 10 ends at 10, stall to 12, upload to 17
  EXPECT_FALSE(p.at(16.9).has_complete);
  EXPECT_TRUE(p.at(17.0).has_complete);
  EXPECT_EQ(p.at(17.0).complete_iteration, 10);
  EXPECT_DOUBLE_EQ(p.boundary_end_s(20), 22.0);
  EXPECT_DOUBLE_EQ(p.at(11.0).progress, 10.0);  // inside the stall
  EXPECT_DOUBLE_EQ(p.at(11.0).stall_s, 1.0);
}

}  // namespace
}  // namespace gemini
