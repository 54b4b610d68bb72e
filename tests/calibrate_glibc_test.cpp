// glibc's memcpy regime boundary (calibrate/src/glibc_tunables.hpp): the threshold parsed from
// the loader's --list-tunables output, asked of this process's loader (compared with what the
// same loader prints to a shell), and the note on a memcpy benchmark whose sizes span it.
#include <gtest/gtest.h>

#include <string>

#include "cli_support.hpp"
#include "glibc_tunables.hpp"

namespace detail = gemini::calibrate::detail;
using gemini::calibrate::BenchmarkResult;
using gemini::calibrate::SizePoint;

namespace {
SizePoint at(double bytes) {
  SizePoint p;
  p.bytes = bytes;
  return p;
}
}  // namespace

TEST(calibrate_glibc_test, parses_the_threshold_line) {
  const std::string out =
      "glibc.cpu.x86_shared_cache_size: 0x10600000 (min: 0x0, max: 0xffffffffffffffff)\n"
      "glibc.cpu.x86_non_temporal_threshold: 0x6300000 (min: 0x4040, max: 0xfffffffffffffff)\n";
  EXPECT_EQ(detail::parse_non_temporal_threshold(out), 0x6300000u);
  EXPECT_EQ(detail::parse_non_temporal_threshold("glibc.cpu.x86_shared_cache_size: 0x10\n"), 0u);
  EXPECT_EQ(detail::parse_non_temporal_threshold("glibc.cpu.x86_non_temporal_threshold: none\n"), 0u);
  EXPECT_EQ(detail::parse_non_temporal_threshold(""), 0u);
}

// Where the usual x86-64 loader lists the threshold, the process finds the same number.
TEST(calibrate_glibc_test, asks_this_process_loader) {
  const auto listed = gemini::test::run_command("/lib64/ld-linux-x86-64.so.2", "--list-tunables");
  const uint64_t want = detail::parse_non_temporal_threshold(listed.output);
  if (want == 0) GTEST_SKIP() << "no x86-64 glibc loader listing the threshold here";
  EXPECT_EQ(detail::glibc_non_temporal_threshold_bytes(), want);
}

TEST(calibrate_glibc_test, notes_a_memcpy_sweep_across_the_threshold_once) {
  BenchmarkResult r;
  r.name = "host-memcpy-concurrent";
  for (double b : {1e6, 64e6}) r.points.push_back(at(b));
  detail::note_memcpy_regimes(r, 100'000'000);
  EXPECT_TRUE(r.notes.empty());  // every size below
  r.points.push_back(at(256e6));
  detail::note_memcpy_regimes(r, 100'000'000);
  detail::note_memcpy_regimes(r, 100'000'000);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0].rfind("two regimes: ", 0), 0u) << r.notes[0];
  detail::note_memcpy_regimes(r, 0);  // unknown threshold: nothing more
  EXPECT_EQ(r.notes.size(), 1u);
  r.name = "checksum-xxh64";  // no memcpy
  r.notes.clear();
  detail::note_memcpy_regimes(r, 100'000'000);
  EXPECT_TRUE(r.notes.empty());
  for (const char* name : {"host-memcpy", "shm-write-fresh", "shm-read-fresh", "memory-retrieval-concurrent"})
    EXPECT_TRUE(detail::copies_with_memcpy(name)) << name;
  EXPECT_FALSE(detail::copies_with_memcpy("disk-write"));
}
