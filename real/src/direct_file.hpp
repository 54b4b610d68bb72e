// Whole-file writes and reads that bypass the page cache (O_DIRECT) where the file system
// allows it, so that a checkpoint's disk cost is the device's and not the page allocator's.
// Why: a buffered write first fills fresh page-cache pages, and in a VM whose free memory the
// host reclaims, the first touch of such a page is several times slower than of one freed a
// moment ago (results/cpu/disk-after-memory/: 0.37 vs 1.9 GB/s here); how much of a save lands
// on such pages depends on what else the host allocated recently, which neither a benchmark nor
// the simulator can know. Used by real/'s DiskStore and by calibrate/'s disk benchmarks alike.
//
// Where O_DIRECT is refused (a file system without it, an unaligned buffer, a short transfer),
// the file falls back to buffered I/O and says so (io()); the bytes written are the same.
// Torch-free: calibrate/ compiles this file too.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace gemini::real {

// O_DIRECT needs the buffer, the file offset and the length aligned to the device's logical
// block; 4 KiB covers every block size Linux file systems use.
inline constexpr size_t kDirectAlignment = 4096;

// The buffer capacity an InputFile needs to read `bytes` directly (bytes rounded up to a block).
inline size_t direct_capacity(size_t bytes) {
  return (bytes + kDirectAlignment - 1) / kDirectAlignment * kDirectAlignment;
}

// Uninitialised memory for direct I/O of `bytes` bytes (at least direct_capacity(bytes)),
// kDirectAlignment-aligned; from 2 MiB up, 2 MiB-aligned and advised to transparent huge pages.
// Why: a direct transfer goes to the device in requests of physically contiguous runs of the
// buffer (at most max_segments runs each), so with 4 KiB pages its request size, and on our VM
// its speed, depends on how fragmented free memory was when the buffer was first touched
// (results/cpu/disk-matched/: 0.6-2.3 MB requests with 4 KiB pages, 3.8 MB with huge pages).
// Where transparent huge pages are off the advice is ignored. Release with std::free.
uint8_t* allocate_direct_io_memory(size_t bytes);

enum class FileIo { direct, buffered };

// A file created (or truncated) for one whole write from offset 0. Errors throw
// std::system_error naming the path.
class OutputFile {
 public:
  OutputFile(const std::string& path, mode_t mode, bool try_direct = true);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // Writes the whole content. Direct I/O moves the block-aligned head straight from `src`
  // (which must then be kDirectAlignment-aligned) and the tail through an aligned block, then
  // truncates the file to `bytes`. Call once.
  void write_all(const uint8_t* src, size_t bytes);
  void sync();   // fsync
  void close();  // close, reporting its error
  FileIo io() const { return io_; }

 private:
  void write_loop(const uint8_t* p, size_t n);

  std::string path_;
  int fd_ = -1;
  FileIo io_ = FileIo::buffered;
};

// A file opened to be read whole. Errors throw std::system_error naming the path.
class InputFile {
 public:
  // nullopt when the file does not exist.
  static std::optional<InputFile> open(const std::string& path, bool try_direct = true);
  ~InputFile();
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;

  uint64_t size() const;  // fstat
  // Reads up to `bytes` from offset 0 into `dst`; returns how many were read (fewer only at end
  // of file). Direct when `dst` is aligned and holds direct_capacity(bytes), else buffered.
  size_t read_all(uint8_t* dst, size_t bytes, size_t dst_capacity);
  int fd() const { return fd_; }
  FileIo io() const { return io_; }

 private:
  InputFile(std::string path, int fd, FileIo io) : path_(std::move(path)), fd_(fd), io_(io) {}

  std::string path_;
  int fd_ = -1;
  FileIo io_ = FileIo::buffered;
};

}  // namespace gemini::real
