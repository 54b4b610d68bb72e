// A reusable host byte buffer for checkpoint images; may be pinned (page-locked) for device copies.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace gemini::real {

// Allocates `bytes` bytes of host memory; the shared_ptr owns it.
using HostAllocator = std::function<std::shared_ptr<uint8_t>(size_t bytes)>;

// Page-aligned, zero-filled host memory (malloc-class, not pinned).
std::shared_ptr<uint8_t> allocate_plain_host(size_t bytes);

class HostBuffer {
 public:
  // `pinned` only describes what `allocator` returns; the plain allocator is the default.
  explicit HostBuffer(HostAllocator allocator = allocate_plain_host, bool pinned = false)
      : allocator_(std::move(allocator)), pinned_(pinned) {}

  // Makes room for `bytes` bytes, rounded up to whole direct-I/O blocks (direct_capacity), so
  // that a direct read of an image into a buffer sized for it never has to grow it (a regrowth
  // inside a recovery would be timed as retrieval). Grows by reallocating (contents are lost);
  // never shrinks.
  void ensure(size_t bytes);

  uint8_t* data() { return owner_.get(); }
  const uint8_t* data() const { return owner_.get(); }
  size_t capacity() const { return capacity_; }
  bool pinned() const { return pinned_; }

 private:
  HostAllocator allocator_;
  std::shared_ptr<uint8_t> owner_;
  size_t capacity_ = 0;
  bool pinned_ = false;
};

}  // namespace gemini::real
