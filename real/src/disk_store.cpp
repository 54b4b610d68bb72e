// DiskStore: durable, atomic per-rank checkpoint files.
#include "disk_store.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "direct_file.hpp"
#include "state_image.hpp"

namespace gemini::real {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

size_t drop_from_page_cache(int fd, size_t bytes) {
  if (bytes == 0) return 0;
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) return bytes;  // cannot check: report as not cold
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> vec((bytes + page - 1) / page);
  size_t resident = vec.size();
  if (::mincore(map, bytes, vec.data()) == 0) {
    resident = 0;
    for (unsigned char v : vec) resident += (v & 1);
  }
  ::munmap(map, bytes);
  return resident;
}

DiskStore::DiskStore(DiskStoreConfig config) : config_(std::move(config)) {
  if (config_.dir.empty()) throw std::invalid_argument("DiskStore needs a directory");
  std::filesystem::create_directories(config_.dir);
}

std::string DiskStore::path() const {
  return config_.dir + "/" + config_.job + "-r" + std::to_string(config_.rank) + ".ckpt";
}

std::string DiskStore::tmp_path() const { return path() + ".tmp"; }

std::string DiskStore::prev_path() const {
  return config_.dir + "/" + config_.job + "-r" + std::to_string(config_.rank) + ".prev.ckpt";
}

namespace {
// Header-only peek: the iteration a committed file claims (nullopt if absent or unparsable).
std::optional<uint64_t> peek_iteration(const std::string& file) {
  Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return std::nullopt;
  uint8_t fixed[48];
  if (::pread(fd.get(), fixed, sizeof fixed, 0) != static_cast<ssize_t>(sizeof fixed)) return std::nullopt;
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, fixed + 16, 8);
  if (header_bytes < sizeof fixed || header_bytes > (uint64_t{1} << 30)) return std::nullopt;
  std::vector<uint8_t> header(header_bytes);
  if (::pread(fd.get(), header.data(), header_bytes, 0) != static_cast<ssize_t>(header_bytes)) {
    return std::nullopt;
  }
  try {
    return parse_header(header.data(), header.size()).iteration;
  } catch (const ImageError&) {
    return std::nullopt;
  }
}
}  // namespace

std::vector<uint64_t> DiskStore::iterations() const {
  std::vector<uint64_t> out;
  if (auto it = peek_iteration(path())) out.push_back(*it);
  if (config_.keep_previous) {
    if (auto it = peek_iteration(prev_path()); it && (out.empty() || *it != out.front())) out.push_back(*it);
  }
  return out;
}

SaveResult DiskStore::save(const uint8_t* image, size_t bytes) {
  const ImageInfo info = parse_header(image, bytes);
  SaveResult result;
  result.iteration = info.iteration;
  result.bytes = bytes;
  result.checksum = info.checksum;

  const std::string tmp = tmp_path();
  auto t1 = Clock::now();
  // A write that fails (a full disk, an I/O error) removes its partial file, which would only
  // hold the space (loads never read it); the committed checkpoint stays as it was.
  try {
    auto t0 = Clock::now();
    OutputFile file(tmp, 0600, config_.direct_io);
    file.write_all(image, bytes);
    result.write_s = since(t0);
    result.direct_io = file.io() == FileIo::direct;
    t1 = Clock::now();
    file.sync();
    file.close();
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  if (config_.keep_previous && ::rename(path().c_str(), prev_path().c_str()) != 0 && errno != ENOENT) {
    fail("rename", path());
  }
  if (::rename(tmp.c_str(), path().c_str()) != 0) fail("rename", tmp);
  Fd dir(::open(config_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) fail("open", config_.dir);
  if (::fsync(dir.get()) != 0) fail("fsync", config_.dir);
  result.commit_s = since(t1);
  return result;
}

namespace {
std::optional<LoadResult> load_file(const std::string& path, const DiskStoreConfig& config, HostBuffer& out) {
  std::optional<InputFile> file = InputFile::open(path, config.direct_io);
  if (!file) return std::nullopt;
  const size_t bytes = static_cast<size_t>(file->size());
  LoadResult result;
  result.bytes = bytes;
  out.ensure(direct_capacity(bytes));
  // A direct read never touches the page cache; a buffered one is cold only if the pages were dropped.
  if (file->io() == FileIo::buffered && config.cold_load) result.cold = drop_from_page_cache(file->fd(), bytes) == 0;

  auto t0 = Clock::now();
  if (file->read_all(out.data(), bytes, out.capacity()) != bytes) {
    throw CheckpointCorrupt("unexpected end of file in " + path);
  }
  result.fetch_s = since(t0);
  result.direct_io = file->io() == FileIo::direct;
  if (result.direct_io) result.cold = true;

  auto t1 = Clock::now();
  try {
    const ImageInfo info = verify_image(out.data(), bytes);
    result.iteration = info.iteration;
    result.checksum = info.checksum;
  } catch (const ImageError& e) {
    throw CheckpointCorrupt(path + ": " + e.what());
  }
  result.verify_s = since(t1);
  return result;
}
}  // namespace

std::optional<LoadResult> DiskStore::load_latest(HostBuffer& out) {
  if (!config_.keep_previous) return load_file(path(), config_, out);
  std::vector<std::string> rejected;
  bool any = false;
  for (const std::string& file : {path(), prev_path()}) {
    try {
      auto r = load_file(file, config_, out);
      if (!r) continue;
      r->rejected = rejected;
      return r;
    } catch (const CheckpointCorrupt& e) {
      any = true;
      rejected.push_back(e.what());
    }
  }
  if (!any) return std::nullopt;
  std::string why;
  for (const auto& r : rejected) why += (why.empty() ? "" : "; ") + r;
  throw CheckpointCorrupt("no valid disk checkpoint: " + why);
}

std::optional<LoadResult> DiskStore::load_iteration(uint64_t iteration, HostBuffer& out) {
  for (const std::string& file : {path(), prev_path()}) {
    if (file == prev_path() && !config_.keep_previous) break;
    if (peek_iteration(file) != iteration) continue;
    auto r = load_file(file, config_, out);
    if (r && r->iteration == iteration) return r;
  }
  return std::nullopt;
}

void DiskStore::destroy() {
  std::error_code ec;
  std::filesystem::remove(path(), ec);
  std::filesystem::remove(tmp_path(), ec);
  std::filesystem::remove(prev_path(), ec);
}

}  // namespace gemini::real
