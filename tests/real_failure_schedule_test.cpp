// gemini-launch's failure schedules (real/src/failure_schedule.hpp): spec parsing and its errors,
// seeded draws, and when each kind of failure is due.
#include "failure_schedule.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace gr = gemini::real;

namespace {

gr::ScheduleLimits limits(bool pauses, bool replication) {
  gr::ScheduleLimits l;
  l.ranks = 4;
  l.machines = 2;
  l.iterations = 30;
  l.interval = 5;
  l.debug_pauses = pauses;
  l.replication = replication;
  return l;
}

std::string error_of(const std::string& spec, const gr::ScheduleLimits& l) {
  try {
    gr::parse_failure(spec, l);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FailureSchedule, ParsesSpecsAndWritesThemBack) {
  const auto f = gr::parse_failure("12:machine:0+1:replicate", limits(true, true));
  EXPECT_EQ(f.iteration, 12);
  EXPECT_EQ(f.kind, "machine");
  EXPECT_EQ(f.targets, (std::vector<int>{0, 1}));
  EXPECT_EQ(f.phase, "replicate");
  EXPECT_EQ(f.spec(), "12:machine:0+1:replicate");
  EXPECT_EQ(gr::parse_failure("7:process:3", limits(false, false)).spec(), "7:process:3");
}

TEST(FailureSchedule, BadSpecsSayWhy) {
  const auto l = limits(false, false);
  EXPECT_NE(error_of("7:process", l).find("expected ITERATION:process|machine"), std::string::npos);
  EXPECT_NE(error_of("7:process:4", l).find("target out of range (< 4)"), std::string::npos);
  EXPECT_NE(error_of("7:machine:2", l).find("target out of range (< 2)"), std::string::npos);
  EXPECT_NE(error_of("30:process:1", l).find("iteration must be in [1, --iterations)"), std::string::npos);
  EXPECT_NE(error_of("0:process:1", l).find("iteration must be in"), std::string::npos);
  EXPECT_NE(error_of("7:process:1:save", l).find(":save needs --debug-pause-ms"), std::string::npos);
  EXPECT_NE(error_of("7:process:1:replicate", limits(true, false)).find("needs --strategy gemini"), std::string::npos);
  EXPECT_NE(error_of("99999999999999999999:process:1", l).find("expected"), std::string::npos);  // no overflow
  EXPECT_EQ(error_of("7:process:1", l), "");
  EXPECT_NE(error_of("7:proc:1", l).find("--fail '7:proc:1'"), std::string::npos);  // names the spec
}

TEST(FailureSchedule, DrawsAreSeededAndInRange) {
  const auto l = limits(true, true);
  const auto a = gr::draw_failures(50, 7, 0.5, l);
  const auto b = gr::draw_failures(50, 7, 0.5, l);
  ASSERT_EQ(a.size(), 50u);
  std::set<std::string> phases;
  int machines = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].spec(), b[i].spec());
    EXPECT_GT(a[i].iteration, l.interval);
    EXPECT_LT(a[i].iteration, l.iterations);
    EXPECT_LT(a[i].targets.front(), a[i].kind == "process" ? l.ranks : l.machines);
    EXPECT_NO_THROW(gr::parse_failure(a[i].spec(), l));  // every draw is a valid spec
    phases.insert(a[i].phase);
    machines += a[i].kind == "machine";
  }
  EXPECT_EQ(phases, (std::set<std::string>{"", "save", "replicate", "recover"}));
  EXPECT_GT(machines, 10);
  EXPECT_LT(machines, 40);
  EXPECT_NE(gr::draw_failures(50, 8, 0.5, l)[0].spec() + gr::draw_failures(50, 8, 0.5, l)[1].spec(),
            a[0].spec() + a[1].spec());
  for (const auto& f : gr::draw_failures(20, 7, 0.5, limits(false, true))) EXPECT_EQ(f.phase, "");
  for (const auto& f : gr::draw_failures(20, 7, 0.5, limits(true, false))) EXPECT_NE(f.phase, "replicate");
  EXPECT_THROW(gr::draw_failures(1, 1, 0.5, [] { auto l = limits(false, false); l.iterations = 6; return l; }()),
               std::invalid_argument);
}

TEST(FailureSchedule, WatchKeysAndDueTimes) {
  const auto l = limits(true, true);
  const auto plain = gr::parse_failure("12:process:3", l);
  const auto save = gr::parse_failure("12:machine:1:save", l);
  const auto recover = gr::parse_failure("12:process:2:recover", l);
  EXPECT_EQ(gr::watch_key(plain, 2), "iter/3");
  EXPECT_EQ(gr::watch_key(save, 2), "saving/2");  // a machine is watched through its first rank
  EXPECT_EQ(gr::watch_key(gr::parse_failure("12:process:0:replicate", l), 2), "replicating/0");
  EXPECT_EQ(gr::watch_key(recover, 2), "recovering/2");
  EXPECT_FALSE(gr::is_due(plain, -1, 0, 0));  // nothing reported yet
  EXPECT_FALSE(gr::is_due(plain, 11, 0, 0));
  EXPECT_TRUE(gr::is_due(plain, 12, 0, 0));
  EXPECT_TRUE(gr::is_due(save, 15, 1, 9));
  // A recover failure needs a restart after the job reached its iteration.
  EXPECT_FALSE(gr::can_fire(recover, 0, 0));
  EXPECT_FALSE(gr::can_fire(recover, 1, 11));
  EXPECT_TRUE(gr::can_fire(recover, 1, 12));
  EXPECT_FALSE(gr::is_due(recover, -1, 1, 12));
  EXPECT_TRUE(gr::is_due(recover, 10, 1, 12));  // recovering iteration 10, below 12: still due
  EXPECT_TRUE(gr::can_fire(plain, 0, 0));
}
