// XXH64 against the reference sanity values of xxHash, and the threaded per-span variant.
#include "checksum.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gr = gemini::real;

namespace {
// The sanity buffer of xxHash's own self-test (xxhsum).
std::vector<uint8_t> sanity_buffer(size_t len) {
  std::vector<uint8_t> b(len);
  uint64_t gen = 2654435761U;
  for (size_t i = 0; i < len; ++i) {
    b[i] = static_cast<uint8_t>(gen >> 56);
    gen *= 11400714785074694797ULL;
  }
  return b;
}
}  // namespace

TEST(Xxh64, MatchesReferenceValues) {
  const uint64_t prime = 2654435761U;
  const auto b = sanity_buffer(222);
  EXPECT_EQ(gr::xxh64(b.data(), 0, 0), 0xEF46DB3751D8E999ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 0, prime), 0xAC75FDA2929B17EFULL);
  EXPECT_EQ(gr::xxh64(b.data(), 1, 0), 0xE934A84ADB052768ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 1, prime), 0x5014607643A9B4C3ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 4, 0), 0x9136A0DCA57457EEULL);
  EXPECT_EQ(gr::xxh64(b.data(), 14, 0), 0x8282DCC4994E35C8ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 14, prime), 0xC3BD6BF63DEB6DF0ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 222, 0), 0xB641AE8CB691C174ULL);
  EXPECT_EQ(gr::xxh64(b.data(), 222, prime), 0x20CB8AB7AE10C14AULL);
}

TEST(Xxh64, DetectsSingleBitFlip) {
  auto b = sanity_buffer(4096);
  const uint64_t before = gr::xxh64(b.data(), b.size());
  b[1234] ^= 0x10;
  EXPECT_NE(gr::xxh64(b.data(), b.size()), before);
}

TEST(Xxh64, EachMatchesSerialWithThreads) {
  std::vector<std::vector<uint8_t>> bufs;
  for (size_t n : {0, 7, 33, 1000, 65536, 3}) bufs.push_back(sanity_buffer(n));
  std::vector<gr::ByteSpan> spans;
  for (auto& b : bufs) spans.push_back({b.data(), b.size()});
  for (int threads : {1, 3, 16}) {
    gr::set_checksum_threads(threads);
    const auto sums = gr::xxh64_each(spans);
    ASSERT_EQ(sums.size(), spans.size());
    for (size_t i = 0; i < spans.size(); ++i) EXPECT_EQ(sums[i], gr::xxh64(spans[i].data, spans[i].bytes));
  }
  gr::set_checksum_threads(1);
}
