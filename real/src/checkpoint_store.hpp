// Where a training-state image goes. What is saved (the image) is the trainer's job; a store only
// moves and verifies the bytes, so every strategy saves exactly the same image.
//
// Call order: construct (opens or creates the backing storage) → save(image) any number of
// times, each replacing the previous checkpoint atomically → load_latest(buffer) after a restart
// → destroy() to remove the backing storage for good (it otherwise outlives the process).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "host_buffer.hpp"

namespace gemini::real {

struct SaveResult {
  uint64_t iteration = 0;
  uint64_t bytes = 0;
  uint64_t checksum = 0;
  double write_s = 0;   // bytes into the store (memcpy / write())
  double commit_s = 0;  // making it durable and visible (fsync + rename + dir fsync / slot flip)
  bool direct_io = false;  // disk: written with O_DIRECT (bypassing the page cache)
};

struct LoadResult {
  uint64_t iteration = 0;
  uint64_t bytes = 0;
  uint64_t checksum = 0;
  double fetch_s = 0;   // bytes into the caller's buffer
  double verify_s = 0;  // header + every tensor checksum
  // Disk: true when the read bypassed the page cache (O_DIRECT) or the file was verified
  // absent from it before reading. Memory stores: always false (it is memory).
  bool cold = false;
  bool direct_io = false;  // disk: read with O_DIRECT
  std::vector<std::string> rejected;  // newer candidates skipped, with the reason
};

// Something was committed, but no copy passes verification.
class CheckpointCorrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;
  virtual std::string kind() const = 0;  // "disk" | "memory"
  // Stores a complete image (header + tensors). When it returns, the image is committed:
  // a later load_latest returns it, even if this process dies right after.
  virtual SaveResult save(const uint8_t* image, size_t bytes) = 0;
  // Copies the newest committed image that passes verification into `out`.
  // nullopt: nothing was ever committed. Throws CheckpointCorrupt when no copy verifies.
  virtual std::optional<LoadResult> load_latest(HostBuffer& out) = 0;
  // Removes the backing storage (file or shared memory segment).
  virtual void destroy() = 0;
};

}  // namespace gemini::real
