// Page-aligned, pre-faulted host buffers for the CPU benchmarks (internal).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace gemini::calibrate::detail {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using HostBuffer = std::unique_ptr<char, FreeDeleter>;

// Allocates `bytes` aligned to 4 KiB and writes every page (a non-zero pattern, so neither the
// kernel's zero page nor a compressing file system makes the data cheaper than real state).
inline HostBuffer make_prefaulted(uint64_t bytes, uint64_t seed = 0x9e3779b97f4a7c15ull) {
  void* p = nullptr;
  if (posix_memalign(&p, 4096, bytes ? bytes : 1) != 0) throw std::bad_alloc();
  auto* words = static_cast<uint64_t*>(p);
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < bytes / 8; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    words[i] = x;
  }
  std::memset(static_cast<char*>(p) + bytes / 8 * 8, 0x5a, bytes % 8);
  return HostBuffer(static_cast<char*>(p));
}

// Keeps the compiler from dropping a copy whose result is never read.
inline void clobber_memory() { asm volatile("" ::: "memory"); }

}  // namespace gemini::calibrate::detail
