// File-system operations the disk benchmarks time (see disk_io.hpp).
#include "disk_io.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "buffer.hpp"
#include "gemini/calibrate/timing.hpp"

namespace gemini::calibrate::detail {

void throw_errno(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

TempDir::TempDir(const std::string& parent) {
  std::string tmpl = parent + "/gemini-calib-XXXXXX";
  if (!mkdtemp(tmpl.data())) throw_errno("mkdtemp in " + parent);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string filesystem_name(const std::string& dir, bool& is_tmpfs) {
  struct statfs sf;
  is_tmpfs = false;
  if (statfs(dir.c_str(), &sf) != 0) return "unknown";
  switch (static_cast<unsigned long>(sf.f_type)) {
    case TMPFS_MAGIC: is_tmpfs = true; return "tmpfs";
    case EXT4_SUPER_MAGIC: return "ext2/3/4";
    case XFS_SUPER_MAGIC: return "xfs";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
    case NFS_SUPER_MAGIC: return "nfs";
    case 0x65735546: return "fuse";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(sf.f_type));
      return buf;
    }
  }
}

namespace {

void fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw_errno("open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw_errno("fsync " + dir);
}

// Fraction of the file's pages in the page cache (mincore over a mapping never touched).
double resident_fraction(int fd, uint64_t bytes) {
  if (bytes == 0) return 0;
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return -1;
  const long page = sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> vec((bytes + static_cast<uint64_t>(page) - 1) / static_cast<uint64_t>(page));
  double frac = -1;
  if (::mincore(map, bytes, vec.data()) == 0) {
    size_t resident = 0;
    for (unsigned char v : vec) resident += v & 1;
    frac = static_cast<double>(resident) / static_cast<double>(vec.size());
  }
  ::munmap(map, bytes);
  return frac;
}

}  // namespace

void rest(double seconds) {
  if (seconds > 0) std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

TimedIo write_durable(const std::string& dir, const std::string& stem, const char* src, uint64_t bytes,
                      bool keep_previous, bool try_direct) {
  const std::string base = dir + "/" + stem;
  const std::string tmp = base + ".tmp", final_path = base + ".bin", prev_path = base + ".prev";
  if (!keep_previous) ::unlink(final_path.c_str());
  const double t0 = now_s();
  real::OutputFile file(tmp, 0644, try_direct);
  file.write_all(reinterpret_cast<const uint8_t*>(src), bytes);
  file.sync();
  file.close();
  if (keep_previous && ::rename(final_path.c_str(), prev_path.c_str()) != 0 && errno != ENOENT) {
    throw_errno("rename " + final_path);
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) throw_errno("rename " + tmp);
  fsync_dir(dir);
  return {now_s() - t0, file.io() == real::FileIo::direct};
}

double drop_from_cache(const std::string& path, uint64_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw_errno("open " + path);
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  double frac = resident_fraction(fd, bytes);
  if (frac > 0) {  // pages still under writeback: try once more
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    frac = resident_fraction(fd, bytes);
  }
  ::close(fd);
  return frac;
}

bool direct_io_accepted(const std::string& dir, bool try_direct) {
  const std::string path = dir + "/direct-io-probe";
  const HostBuffer block = make_prefaulted(real::kDirectAlignment, 1);
  real::OutputFile file(path, 0644, try_direct);
  file.write_all(reinterpret_cast<const uint8_t*>(block.get()), real::kDirectAlignment);
  file.close();
  ::unlink(path.c_str());
  return file.io() == real::FileIo::direct;
}

TimedIo read_file(const std::string& path, char* dst, uint64_t bytes, bool try_direct) {
  const double t0 = now_s();
  std::optional<real::InputFile> file = real::InputFile::open(path, try_direct);
  if (!file) throw std::runtime_error("no file " + path);
  auto* out = reinterpret_cast<uint8_t*>(dst);
  if (file->read_all(out, bytes, real::direct_capacity(bytes)) != bytes) throw std::runtime_error("short read of " + path);
  const bool direct = file->io() == real::FileIo::direct;
  file.reset();  // close inside the timed part, as before
  clobber_memory();
  return {now_s() - t0, direct};
}

}  // namespace gemini::calibrate::detail
