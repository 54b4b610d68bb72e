// Fast 64-bit checksum (XXH64, written from the public algorithm description) for checkpoint images.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gemini::real {

// XXH64 of `bytes` bytes at `data`. Matches the reference xxHash XXH64 output for the same seed.
uint64_t xxh64(const void* data, size_t bytes, uint64_t seed = 0);

struct ByteSpan {
  const void* data;
  size_t bytes;
};

// XXH64 of each span, spread over checksum_threads() threads (spans are not split).
std::vector<uint64_t> xxh64_each(const std::vector<ByteSpan>& spans);

// Threads used by xxh64_each (default 1; the commands set it from --threads).
void set_checksum_threads(int threads);
int checksum_threads();

}  // namespace gemini::real
