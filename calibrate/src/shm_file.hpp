// A /dev/shm file laid out as real/'s MemoryStore segments are (internal): the shm-write-fresh /
// shm-read-fresh benchmarks and their concurrent form map it afresh for every run.
#pragma once
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include <cstring>

#include "../../real/src/checksum.hpp"  // torch-free: the hash real/ verifies with
#include "buffer.hpp"                   // fill_pattern
#include "disk_io.hpp"                  // throw_errno

namespace gemini::calibrate::detail {

// A shared-memory file of `bytes` (shm_open, posix_fallocate as real/'s MemoryStore does).
class ShmFile {
 public:
  // `tag` tells apart several files of one process.
  explicit ShmFile(uint64_t bytes, const std::string& tag = "") : bytes_(bytes) {
    name_ = "/gemini-calib-" + std::to_string(::getpid()) + tag;
    fd_ = ::shm_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd_ < 0) throw_errno("shm_open " + name_);
    const int rc = ::posix_fallocate(fd_, 0, static_cast<off_t>(bytes_));
    if (rc != 0) {
      errno = rc;
      cleanup();
      throw_errno("posix_fallocate of " + std::to_string(bytes_) + " bytes in /dev/shm");
    }
  }
  ~ShmFile() { cleanup(); }
  // A fresh mapping: no page of it is in this process's page tables yet.
  char* map() {
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (p == MAP_FAILED) throw_errno("mmap " + name_);
    return static_cast<char*>(p);
  }
  void unmap(char* p) { ::munmap(p, bytes_); }
  // Writes the whole file once through a mapping of its own, so that its pages exist in the page
  // cache as a committed memory-store slot's do.
  void fill(uint64_t seed) {
    char* p = map();
    fill_pattern(p, bytes_, seed);
    unmap(p);
  }

 private:
  void cleanup() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::shm_unlink(name_.c_str());
  }
  uint64_t bytes_;
  std::string name_;
  int fd_ = -1;
};

// What a rank's retrieval from its own memory store does: map the image afresh, copy its first
// `bytes` out into `dst`, unmap, XXH64 the copy. Returns the hash.
inline uint64_t copy_out_and_hash(ShmFile& image, char* dst, uint64_t bytes) {
  char* p = image.map();
  std::memcpy(dst, p, bytes);
  image.unmap(p);
  return real::xxh64(dst, bytes);
}

}  // namespace gemini::calibrate::detail
