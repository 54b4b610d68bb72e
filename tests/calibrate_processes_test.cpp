// run_processes_together (calibrate/src/concurrent.hpp): each child's prepare(i) runs before the
// release and what it leaves in the child's copy of a captured variable is what fn(i) sees; the
// parent's copy is untouched; a prepare that throws fails the call. MemoryStreamers
// (memory_streamers.hpp): its children work only between start() and pause(), and die with it.
// No timing assertions.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "buffer.hpp"
#include "concurrent.hpp"
#include "memory_streamers.hpp"
#include "gemini/profile_fields.hpp"

namespace detail = gemini::calibrate::detail;
using gemini::calibrate::allowed_cpus;
using gemini::calibrate::busiest_cpu_layouts;
using gemini::profile::busiest_retrieval_benchmark;

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

// Each child reports the CPU it was released on and the one it ended on: real CPUs of this
// host, so the layout of a round (busiest_cpu_count, moved_count) can be recorded.
TEST(calibrate_processes_test, children_report_their_cpus) {
  detail::ProcessCpus cpus;
  detail::run_processes_together(3, [](int) { return 0.0; }, {}, &cpus);
  const long host_cpus = ::sysconf(_SC_NPROCESSORS_CONF);
  ASSERT_EQ(cpus.at_release.size(), 3u);
  ASSERT_EQ(cpus.at_end.size(), 3u);
  for (int c : cpus.at_release) EXPECT_TRUE(c >= 0 && c < host_cpus) << c;
  for (int c : cpus.at_end) EXPECT_TRUE(c >= 0 && c < host_cpus) << c;
  const int busiest = gemini::profile::busiest_cpu_count(cpus.at_release);
  EXPECT_GE(busiest, 1);
  EXPECT_LE(busiest, 3);
}

TEST(calibrate_processes_test, layout_counts) {
  EXPECT_EQ(gemini::profile::busiest_cpu_count({0, 1, 1, 1}), 3);
  EXPECT_EQ(gemini::profile::busiest_cpu_count({0, 1, 0, 1}), 2);
  EXPECT_EQ(gemini::profile::busiest_cpu_count({-1, -1, 2}), 1);  // unknown CPUs share nothing
  EXPECT_EQ(gemini::profile::busiest_cpu_count({}), 0);
  EXPECT_EQ(detail::moved_count({{0, 1, 1, -1}, {0, 0, 1, 1}}), 1);  // -1: not known, not counted
  EXPECT_EQ(detail::moved_count({{0, 1}, {1, 0}}), 2);
}

// memory-retrieval-busiest's layouts: from an even spread to all on one CPU, the busiest CPU
// the first allowed one, the others dealt in turn; each layout's busiest count is its K.
TEST(calibrate_processes_test, busiest_layouts_go_from_even_to_all_on_one_cpu) {
  using Layouts = std::vector<std::vector<int>>;
  EXPECT_EQ(busiest_cpu_layouts(4, {0, 1}), (Layouts{{0, 0, 1, 1}, {0, 0, 0, 1}, {0, 0, 0, 0}}));
  EXPECT_EQ(busiest_cpu_layouts(4, {3, 5, 7}), (Layouts{{3, 3, 5, 7}, {3, 3, 3, 5}, {3, 3, 3, 3}}));
  EXPECT_EQ(busiest_cpu_layouts(3, {2}), (Layouts{{2, 2, 2}}));
  const Layouts wide = busiest_cpu_layouts(4, {0, 1, 2, 3, 4, 5, 6, 7});
  ASSERT_EQ(wide.size(), 4u);
  EXPECT_EQ(wide.front(), (std::vector<int>{0, 1, 2, 3}));
  for (size_t i = 0; i < wide.size(); ++i) EXPECT_EQ(gemini::profile::busiest_cpu_count(wide[i]), static_cast<int>(i) + 1);
  EXPECT_THROW(busiest_cpu_layouts(4, {}), std::invalid_argument);
  EXPECT_THROW(busiest_cpu_layouts(0, {0}), std::invalid_argument);
  EXPECT_EQ(busiest_retrieval_benchmark(3), "memory-retrieval-busiest-3");
  EXPECT_EQ(gemini::profile::busiest_retrieval_field_of(busiest_retrieval_benchmark(3)), "memory_retrieval_busiest_3");
  EXPECT_EQ(gemini::profile::busiest_retrieval_field_of("memory-retrieval-concurrent"), "");
  const std::vector<int> mine = allowed_cpus();
  ASSERT_FALSE(mine.empty());
  EXPECT_TRUE(std::is_sorted(mine.begin(), mine.end()));
}

TEST(calibrate_processes_test, a_failing_prepare_fails_the_call) {
  EXPECT_THROW(detail::run_processes_together(
                   2, [](int) { return 0.0; },
                   [](int i) {
                     if (i == 1) throw std::runtime_error("no buffer");
                   }),
               std::runtime_error);
}

TEST(calibrate_processes_test, memory_streamers_work_only_while_started) {
  for (bool resident : {true, false}) {  // either landing memory
    SCOPED_TRACE(detail::landing_name(resident));
    detail::MemoryStreamers streamers(2, 1 << 20, resident);
    EXPECT_EQ(streamers.passes(), 0u);  // idle until started
    streamers.start();
    const uint64_t started = streamers.passes();
    EXPECT_GE(started, 4u);  // start() returns after two passes of each child
    streamers.pause();
    const uint64_t paused = streamers.passes();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_LE(streamers.passes(), paused + 2);  // at most the pass each child was in
    const uint64_t restarted = streamers.passes();
    streamers.start();
    EXPECT_GE(streamers.passes(), restarted + 4);
  }
}

TEST(calibrate_processes_test, memory_streamers_children_end_with_it) {
  {
    detail::MemoryStreamers streamers(3, 1 << 16, true);
    streamers.start();
  }
  // Every child was reaped by the destructor: none is left for this process to wait for.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  EXPECT_THROW(detail::MemoryStreamers(0, 1 << 16, true), std::invalid_argument);
}
