// File-system operations the disk benchmarks time, shaped like real/'s DiskStore (internal).
#pragma once
#include <cstdint>
#include <string>

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

// Seconds until `bytes` from `src` are durable as `dir`/`stem`.bin: open `stem`.tmp, write,
// fsync, close, rename, fsync(dir). keep_previous: like real/'s DiskStore, first rename the
// last file to `stem`.prev (dropping the one before: its blocks are freed inside the timed
// part); otherwise the last file is unlinked before the clock starts.
double write_durable(const std::string& dir, const std::string& stem, const char* src, uint64_t bytes,
                     bool keep_previous = false);

// Sleeps `seconds` (nothing if <= 0): SweepConfig::rest_s before a timed write.
void rest(double seconds);

// Drops the (clean, fsynced) file from the page cache; returns the fraction of its pages
// still resident (0 = cold), or -1 when it could not be checked.
double drop_from_cache(const std::string& path, uint64_t bytes);

// Seconds to open `path`, read `bytes` into `dst`, close.
double read_file(const std::string& path, char* dst, uint64_t bytes);

}  // namespace gemini::calibrate::detail
