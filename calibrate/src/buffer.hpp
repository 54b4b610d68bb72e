// Page-aligned, pre-faulted host buffers for the CPU benchmarks (internal).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <unistd.h>
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

// Writes a scratch area of 4x the last-level cache (64-512 MiB) so the next access is cold.
struct CacheFlusher {
  CacheFlusher() {
    long llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (llc <= 0) llc = sysconf(_SC_LEVEL2_CACHE_SIZE);
    last_level_cache_bytes = llc;
    bytes = std::clamp<uint64_t>(llc > 0 ? 4ull * static_cast<uint64_t>(llc) : 0, 64ull << 20, 512ull << 20);
    scratch = make_prefaulted(bytes, 11);
  }
  void flush() {
    std::memset(scratch.get(), ++fill, bytes);
    clobber_memory();
  }
  long last_level_cache_bytes = 0;  // as sysconf reports it (0 or -1: unknown)
  uint64_t bytes = 0;
  HostBuffer scratch;
  char fill = 0;
};

}  // namespace gemini::calibrate::detail
