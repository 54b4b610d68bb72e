// Page-aligned, pre-faulted host buffers for the CPU benchmarks (internal).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <memory>
#include <new>

namespace gemini::calibrate::detail {

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using HostBuffer = std::unique_ptr<char, FreeDeleter>;

// Writes every page of `p` (a non-zero pattern, so neither the kernel's zero page nor a
// compressing file system makes the data cheaper than real state).
inline void fill_pattern(void* p, uint64_t bytes, uint64_t seed) {
  auto* words = static_cast<uint64_t*>(p);
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < bytes / 8; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    words[i] = x;
  }
  std::memset(static_cast<char*>(p) + bytes / 8 * 8, 0x5a, bytes % 8);
}

// Allocates `bytes` aligned to 4 KiB, every page written (fill_pattern).
inline HostBuffer make_prefaulted(uint64_t bytes, uint64_t seed = 0x9e3779b97f4a7c15ull) {
  void* p = nullptr;
  if (posix_memalign(&p, 4096, bytes ? bytes : 1) != 0) throw std::bad_alloc();
  fill_pattern(p, bytes, seed);
  return HostBuffer(static_cast<char*>(p));
}

// Memory that forked benchmark processes use in place (MAP_SHARED | MAP_ANONYMOUS), every page
// written. A private page a child inherits is copy-on-write, and the kernel copies such a page
// before pinning it for direct I/O; a shared one is pinned as it is, like a rank's own buffer.
struct MunmapDeleter {
  uint64_t bytes = 0;
  void operator()(char* p) const { ::munmap(p, bytes ? bytes : 1); }
};
using SharedBuffer = std::unique_ptr<char, MunmapDeleter>;

inline SharedBuffer make_shared_prefaulted(uint64_t bytes, uint64_t seed) {
  void* p = ::mmap(nullptr, bytes ? bytes : 1, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  fill_pattern(p, bytes, seed);
  return SharedBuffer(static_cast<char*>(p), MunmapDeleter{bytes});
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
