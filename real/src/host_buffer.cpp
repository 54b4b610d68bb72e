// Plain page-aligned host allocation and HostBuffer growth.
#include "host_buffer.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

#include "direct_file.hpp"

namespace gemini::real {

std::shared_ptr<uint8_t> allocate_plain_host(size_t bytes) {
  // aligned_alloc needs a whole number of alignments; whole direct-I/O blocks are that.
  const size_t rounded = bytes == 0 ? kDirectAlignment : direct_capacity(bytes);
  void* p = std::aligned_alloc(kDirectAlignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  std::memset(p, 0, rounded);  // touch every page once, outside any timer
  return std::shared_ptr<uint8_t>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
}

void HostBuffer::ensure(size_t bytes) {
  if (bytes <= capacity_ && owner_) return;
  const size_t rounded = direct_capacity(bytes);
  owner_.reset();  // free first so peak memory is one buffer, not two
  owner_ = allocator_(rounded);
  capacity_ = rounded;
}

}  // namespace gemini::real
