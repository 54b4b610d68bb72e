// Tests of byte-size parsing, sweeps and repetitions (calibrate/include/gemini/calibrate/sizes.hpp).
#include <gtest/gtest.h>

#include "gemini/calibrate/sizes.hpp"

using namespace gemini::calibrate;

TEST(calibrate_sizes_test, parses_decimal_and_binary_units) {
  EXPECT_EQ(parse_bytes("4096"), 4096u);
  EXPECT_EQ(parse_bytes("4MB"), 4000000u);
  EXPECT_EQ(parse_bytes("4 MiB"), 4u << 20);
  EXPECT_EQ(parse_bytes("64M"), 64u << 20);
  EXPECT_EQ(parse_bytes("1GiB"), 1ull << 30);
  EXPECT_EQ(parse_bytes("4gib"), 4ull << 30);
  EXPECT_EQ(parse_bytes("1.5GB"), 1500000000u);
  EXPECT_THROW(parse_bytes(""), std::invalid_argument);
  EXPECT_THROW(parse_bytes("MB"), std::invalid_argument);
  EXPECT_THROW(parse_bytes("4XB"), std::invalid_argument);
  EXPECT_THROW(parse_bytes("0"), std::invalid_argument);
}

TEST(calibrate_sizes_test, sweep_is_geometric_and_ends_at_max) {
  EXPECT_EQ(size_sweep(1 << 20, 64 << 20), (std::vector<uint64_t>{1 << 20, 4 << 20, 16 << 20, 64 << 20}));
  EXPECT_EQ(size_sweep(1 << 20, 4000000), (std::vector<uint64_t>{1 << 20, 4000000}));
  EXPECT_EQ(size_sweep(1 << 20, 1 << 20), (std::vector<uint64_t>{1 << 20}));
  EXPECT_EQ(size_sweep(1 << 20, 4ull << 30).back(), 4ull << 30);
  EXPECT_EQ(size_sweep(1 << 20, 4ull << 30).size(), 7u);
  EXPECT_THROW(size_sweep(2, 1), std::invalid_argument);
  EXPECT_THROW(size_sweep(0, 1), std::invalid_argument);
  EXPECT_THROW(size_sweep(1, 8, 1), std::invalid_argument);
}

// A run's own sizes join the sweep in order, once, and only inside its range.
TEST(calibrate_sizes_test, run_sizes_join_the_sweep_inside_its_range) {
  const std::vector<uint64_t> sweep = size_sweep(1 << 20, 64 << 20);  // 1, 4, 16, 64 MiB
  const std::vector<uint64_t> got = with_sizes(sweep, {50907456, 11261312, 4 << 20, 50907456, 1 << 19, 128 << 20});
  const std::vector<uint64_t> want = {1 << 20, 4 << 20, 11261312, 16 << 20, 50907456, 64 << 20};
  EXPECT_EQ(got, want);
  EXPECT_EQ(with_sizes(sweep, {}), sweep);
  EXPECT_TRUE(with_sizes({}, {1 << 20}).empty());
}

TEST(calibrate_sizes_test, fewer_reps_for_big_sizes) {
  EXPECT_EQ(reps_for_size(1 << 20, 10), 10);
  EXPECT_EQ(reps_for_size(64 << 20, 10), 10);
  EXPECT_EQ(reps_for_size(256 << 20, 10), 3);   // ceil(2.5)
  EXPECT_EQ(reps_for_size(128 << 20, 10), 5);
  EXPECT_EQ(reps_for_size(4ull << 30, 10), 3);  // floor of 3
  EXPECT_EQ(reps_for_size(4ull << 30, 2), 2);   // never more than asked
  EXPECT_EQ(reps_for_size(4ull << 30, 20, 5), 5);
  EXPECT_EQ(reps_for_size(256 << 20, 20, 5), 5);
  EXPECT_EQ(reps_for_size(128 << 20, 20, 5), 10);
  EXPECT_THROW(reps_for_size(1, 0), std::invalid_argument);
}

TEST(calibrate_sizes_test, formats_binary_units) {
  EXPECT_EQ(format_bytes(1 << 20), "1 MiB");
  EXPECT_EQ(format_bytes(256.0 * (1 << 20)), "256 MiB");
  EXPECT_EQ(format_bytes(1.5 * (1 << 30)), "1.50 GiB");
  EXPECT_EQ(format_bytes(512), "512 B");
}
