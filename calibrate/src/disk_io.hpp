// File-system operations the disk benchmarks time, shaped like real/'s DiskStore (internal).
#pragma once
#include <cstdint>
#include <string>

#include "../../real/src/direct_file.hpp"  // torch-free: the same file I/O as real/

namespace gemini::calibrate::detail {

// Throws std::system_error with the current errno and `what`.
[[noreturn]] void throw_errno(const std::string& what);

// A fresh directory `parent`/gemini-calib-XXXXXX, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "ext2/3/4", "xfs", "tmpfs", ... for the file system holding `dir`; is_tmpfs tells whether
// the page cache is the storage (cold reads are then impossible).
std::string filesystem_name(const std::string& dir, bool& is_tmpfs);

// One timed file operation and whether it bypassed the page cache (O_DIRECT, as real/'s
// DiskStore does where the file system allows it: real/src/direct_file.hpp).
struct TimedIo {
  double seconds = 0;
  bool direct = false;
};

// Until `bytes` from `src` are durable as `dir`/`stem`.bin: open `stem`.tmp, write, fsync,
// close, rename, fsync(dir). keep_previous: like real/'s DiskStore, first rename the last file
// to `stem`.prev (dropping the one before: its blocks are freed inside the timed part);
// otherwise the last file is unlinked before the clock starts.
TimedIo write_durable(const std::string& dir, const std::string& stem, const char* src, uint64_t bytes,
                      bool keep_previous, bool try_direct);

// Sleeps `seconds` (nothing if <= 0): SweepConfig::rest_s before a timed write.
void rest(double seconds);

// Drops the (clean, fsynced) file from the page cache; returns the fraction of its pages
// still resident (0 = cold), or -1 when it could not be checked. A direct read would not use
// them anyway; this keeps a buffered fallback cold too.
double drop_from_cache(const std::string& path, uint64_t bytes);

// Open `path`, read `bytes` into `dst` (which holds direct_capacity(bytes), see
// real/src/direct_file.hpp), close.
TimedIo read_file(const std::string& path, char* dst, uint64_t bytes, bool try_direct);

// Whether a file written in `dir` gets O_DIRECT (one block, written and removed): what the
// benchmark processes' files get, which cannot report back themselves.
bool direct_io_accepted(const std::string& dir, bool try_direct);

// "direct", "buffered" or "mixed" for a benchmark's operations, counted as they ran.
struct IoModes {
  int direct = 0, buffered = 0;
  void add(const TimedIo& t) { (t.direct ? direct : buffered) += 1; }
  std::string text() const { return buffered == 0 ? "direct" : direct == 0 ? "buffered" : "mixed"; }
};

}  // namespace gemini::calibrate::detail
