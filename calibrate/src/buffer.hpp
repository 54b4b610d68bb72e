// Page-aligned host buffers for the CPU benchmarks (internal): pre-faulted ones to copy from
// and write out, landing buffers (resident like real/'s, or untouched) to read checkpoints into.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <memory>
#include <new>
#include <string>

#include "../../real/src/direct_file.hpp"  // torch-free: real/'s direct-I/O memory

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

// Like make_prefaulted, in the memory real/'s HostBuffer gives a checkpoint image for direct I/O
// (real::allocate_direct_io_memory: transparent huge pages from 2 MiB up), whose layout sets the
// size of the disk requests. A forked process must fill its own (run_processes_together's
// prepare): a private page it inherits is copy-on-write and copied when pinned for direct I/O.
inline HostBuffer make_direct_io_buffer(uint64_t bytes, uint64_t seed) {
  char* p = reinterpret_cast<char*>(real::allocate_direct_io_memory(bytes));
  fill_pattern(p, real::direct_capacity(bytes), seed);
  return HostBuffer(p);
}

// Memory no process has touched yet (a LandingBuffer's, before it is written). Mapped directly,
// not malloc'd, so that no page an earlier repetition freed comes back already faulted; laid out like real::allocate_direct_io_memory (2 MiB
// aligned and advised to transparent huge pages from 2 MiB up).
class UntouchedBuffer {
 public:
  explicit UntouchedBuffer(uint64_t bytes) {
    const uint64_t align = bytes >= kHugePageBytes ? kHugePageBytes : real::kDirectAlignment;
    const uint64_t rounded = (real::direct_capacity(bytes ? bytes : 1) + align - 1) / align * align;
    mapped_bytes_ = rounded + align;  // room to align the start
    mapping_ = ::mmap(nullptr, mapped_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping_ == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<uintptr_t>(mapping_);
    p_ = reinterpret_cast<char*>((start + align - 1) / align * align);
    if (align == kHugePageBytes) ::madvise(p_, rounded, MADV_HUGEPAGE);  // advice only
  }
  ~UntouchedBuffer() { ::munmap(mapping_, mapped_bytes_); }
  UntouchedBuffer(const UntouchedBuffer&) = delete;
  UntouchedBuffer& operator=(const UntouchedBuffer&) = delete;
  char* get() const { return p_; }

 private:
  static constexpr uint64_t kHugePageBytes = 2ull << 20;
  void* mapping_ = nullptr;
  uint64_t mapped_bytes_ = 0;
  char* p_ = nullptr;
};

// Where a retrieval benchmark lands its data (SweepConfig::landing_resident): resident as in
// real/ (a restarted rank allocates its HostBuffer when it starts, and real::allocate_plain_host
// writes every page then, outside any timer, so the retrieval reads into memory already faulted
// in), or untouched (every page faulted in by the read itself, which real/'s ranks do not pay;
// the benchmarks' landing from 2026-11-28 13:15 to 2026-11-29 13:00, kept for comparisons:
// gemini-calibrate --landing untouched).
inline const char* landing_name(bool resident) { return resident ? "resident" : "untouched"; }
// The landing memory in a benchmark's description.
inline std::string landing_phrase(bool resident) {
  return resident ? "resident memory (a restarted rank's HostBuffer, written once when the rank starts)"
                  : "memory not touched yet (the read faults its pages in)";
}

class LandingBuffer {
 public:
  LandingBuffer(uint64_t bytes, bool resident) : memory_(bytes) {
    if (resident) std::memset(memory_.get(), 0, real::direct_capacity(bytes ? bytes : 1));
  }
  char* get() const { return memory_.get(); }

 private:
  UntouchedBuffer memory_;  // mapped afresh either way: no page an earlier repetition freed
};

// One process's landing over repeated retrievals of up to `capacity` bytes: resident, one
// buffer written once and kept (a rank's HostBuffer lives as long as its process), so that
// nothing is written inside a timed retrieval; untouched, memory mapped afresh for each.
class LandingSlot {
 public:
  LandingSlot(uint64_t capacity, bool resident) : resident_(resident) {
    if (resident_) buffer_ = std::make_unique<LandingBuffer>(capacity, true);
  }
  // Where the next retrieval of `bytes` lands; valid until release() or the next acquire().
  char* acquire(uint64_t bytes) {
    if (!resident_) {
      buffer_.reset();  // one mapping at a time
      buffer_ = std::make_unique<LandingBuffer>(bytes, false);
    }
    return buffer_->get();
  }
  void release() {
    if (!resident_) buffer_.reset();
  }

 private:
  bool resident_;
  std::unique_ptr<LandingBuffer> buffer_;
};

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
