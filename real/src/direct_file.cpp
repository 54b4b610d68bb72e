// Whole-file direct I/O with a buffered fallback (see direct_file.hpp).
#include "direct_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <system_error>

namespace gemini::real {
namespace {

// One write()/read() moves at most this much (a multiple of kDirectAlignment).
constexpr size_t kChunk = size_t{64} << 20;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

bool aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % kDirectAlignment == 0; }

// Opens with O_DIRECT when asked and the file system accepts it (EINVAL otherwise).
int open_maybe_direct(const std::string& path, int flags, mode_t mode, bool try_direct, FileIo& io) {
  if (try_direct) {
    const int fd = ::open(path.c_str(), flags | O_DIRECT, mode);
    if (fd >= 0) {
      io = FileIo::direct;
      return fd;
    }
    if (errno != EINVAL) return fd;
  }
  io = FileIo::buffered;
  return ::open(path.c_str(), flags, mode);
}

void fall_back_to_buffered(int fd, const std::string& path, FileIo& io) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) != 0) fail("fcntl(clear O_DIRECT)", path);
  io = FileIo::buffered;
}

// After a failed read()/write(): true when it is worth repeating: interrupted, or a direct
// transfer the kernel refused (EINVAL: alignment, or a file system that only says so now),
// which is repeated buffered.
bool retry_after_error(int fd, const std::string& path, FileIo& io) {
  if (errno == EINTR) return true;
  if (errno != EINVAL || io != FileIo::direct) return false;
  fall_back_to_buffered(fd, path, io);
  return true;
}

struct FreeBlock {
  void operator()(uint8_t* p) const { std::free(p); }
};

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

uint8_t* allocate_direct_io_memory(size_t bytes) {
  const size_t align = bytes >= kHugePage ? kHugePage : kDirectAlignment;
  // aligned_alloc needs a whole number of alignments.
  const size_t rounded = std::max<size_t>(1, (direct_capacity(bytes) + align - 1) / align) * align;
  void* p = std::aligned_alloc(align, rounded);
  if (p == nullptr) throw std::bad_alloc();
  if (align == kHugePage) ::madvise(p, rounded, MADV_HUGEPAGE);  // advice: failure changes nothing else
  return static_cast<uint8_t*>(p);
}

OutputFile::OutputFile(const std::string& path, mode_t mode, bool try_direct) : path_(path) {
  fd_ = open_maybe_direct(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode, try_direct, io_);
  if (fd_ < 0) fail("open", path);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

// Writes n bytes at the current offset.
void OutputFile::write_loop(const uint8_t* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd_, p, std::min(n, kChunk));
    if (w < 0) {
      if (retry_after_error(fd_, path_, io_)) continue;
      fail("write", path_);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void OutputFile::write_all(const uint8_t* src, size_t bytes) {
  if (io_ == FileIo::direct && !aligned(src)) fall_back_to_buffered(fd_, path_, io_);
  const size_t head = io_ == FileIo::direct ? bytes / kDirectAlignment * kDirectAlignment : bytes;
  write_loop(src, head);
  if (head == bytes) return;
  if (io_ == FileIo::buffered) {  // the head fell back part way
    write_loop(src + head, bytes - head);
    return;
  }
  // The tail goes out as one zero-padded aligned block; the truncate drops the padding.
  std::unique_ptr<uint8_t, FreeBlock> block(static_cast<uint8_t*>(std::aligned_alloc(kDirectAlignment, kDirectAlignment)));
  if (!block) throw std::bad_alloc();
  std::memset(block.get(), 0, kDirectAlignment);
  std::memcpy(block.get(), src + head, bytes - head);
  write_loop(block.get(), kDirectAlignment);
  if (::ftruncate(fd_, static_cast<off_t>(bytes)) != 0) fail("truncate", path_);
}

void OutputFile::sync() {
  if (::fsync(fd_) != 0) fail("fsync", path_);
}

void OutputFile::close() {
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("close", path_);
}

std::optional<InputFile> InputFile::open(const std::string& path, bool try_direct) {
  FileIo io = FileIo::buffered;
  const int fd = open_maybe_direct(path, O_RDONLY | O_CLOEXEC, 0, try_direct, io);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("open", path);
  }
  return InputFile(path, fd, io);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

InputFile::InputFile(InputFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_), io_(other.io_) {
  other.fd_ = -1;
}

uint64_t InputFile::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail("fstat", path_);
  return static_cast<uint64_t>(st.st_size);
}

size_t InputFile::read_all(uint8_t* dst, size_t bytes, size_t dst_capacity) {
  if (io_ == FileIo::direct && (!aligned(dst) || dst_capacity < direct_capacity(bytes))) {
    fall_back_to_buffered(fd_, path_, io_);
  }
  size_t got = 0;
  while (got < bytes) {
    // Direct reads ask for whole blocks (the last one past the end of the file returns short).
    const size_t want = std::min(io_ == FileIo::direct ? direct_capacity(bytes) - got : bytes - got, kChunk);
    const ssize_t r = ::read(fd_, dst + got, want);
    if (r < 0) {
      if (retry_after_error(fd_, path_, io_)) continue;
      fail("read", path_);
    }
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return std::min(got, bytes);
}

}  // namespace gemini::real
