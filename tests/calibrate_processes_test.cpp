// run_processes_together (calibrate/src/concurrent.hpp): each child's prepare(i) runs before the
// release and what it leaves in the child's copy of a captured variable is what fn(i) sees; the
// parent's copy is untouched; a prepare that throws fails the call. No timing assertions.
#include <gtest/gtest.h>

#include <stdexcept>

#include "concurrent.hpp"

namespace detail = gemini::calibrate::detail;

TEST(calibrate_processes_test, prepare_state_reaches_fn_in_the_same_child) {
  double mine = -1;
  const auto got = detail::run_processes_together(
      3, [&](int) { return mine; }, [&](int i) { mine = 10.0 * i + 0.5; });
  EXPECT_EQ(got, (std::vector<double>{0.5, 10.5, 20.5}));
  EXPECT_EQ(mine, -1);  // each child set its own copy
}

TEST(calibrate_processes_test, without_prepare_fn_runs_as_before) {
  const auto got = detail::run_processes_together(2, [](int i) { return i + 1.0; });
  EXPECT_EQ(got, (std::vector<double>{1.0, 2.0}));
}

TEST(calibrate_processes_test, a_failing_prepare_fails_the_call) {
  EXPECT_THROW(detail::run_processes_together(
                   2, [](int) { return 0.0; },
                   [](int i) {
                     if (i == 1) throw std::runtime_error("no buffer");
                   }),
               std::runtime_error);
}
