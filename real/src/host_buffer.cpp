// Plain page-aligned host allocation and HostBuffer growth.
#include "host_buffer.hpp"

#include <cstdlib>
#include <cstring>

#include "direct_file.hpp"

namespace gemini::real {

std::shared_ptr<uint8_t> allocate_plain_host(size_t bytes) {
  // Checkpoint images are written and read with direct I/O: memory laid out for it.
  uint8_t* p = allocate_direct_io_memory(bytes);
  std::memset(p, 0, direct_capacity(bytes));  // touch every page once, outside any timer
  return std::shared_ptr<uint8_t>(p, [](uint8_t* q) { std::free(q); });
}

void HostBuffer::ensure(size_t bytes) {
  if (bytes <= capacity_ && owner_) return;
  const size_t rounded = direct_capacity(bytes);
  owner_.reset();  // free first so peak memory is one buffer, not two
  owner_ = allocator_(rounded);
  capacity_ = rounded;
}

}  // namespace gemini::real
