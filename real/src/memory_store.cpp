// MemoryStore: two-slot, crash-safe checkpoint slots in POSIX shared memory.
#include "memory_store.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "state_image.hpp"

namespace gemini::real {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr uint64_t kMagic = 0x314D4853494D4547ULL;  // "GEMISHM1"
constexpr uint32_t kVersion = 1;
constexpr uint64_t kPage = 4096;
constexpr uint32_t kEmpty = 0, kWriting = 1, kComplete = 2;
constexpr uint64_t kNone = ~uint64_t{0};

uint64_t round_page(uint64_t v) { return (v + kPage - 1) / kPage * kPage; }

template <typename T>
T load_acquire(const T* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
template <typename T>
void store_release(T* p, T v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

std::string segment_name(const MemoryStoreConfig& c) {
  const std::string base = "gemini-" + c.job + "-r" + std::to_string(c.rank);
  return c.dir.empty() ? "/" + base : c.dir + "/" + base + ".shm";
}

// Bytes of memory the kernel can still hand out without swapping (MemAvailable), 0 if unknown.
uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemAvailable:") return kib * 1024;
    meminfo.ignore(64, '\n');
  }
  return 0;
}

// Pages of a RAM-backed file system (tmpfs, ramfs) are host memory.
bool ram_backed(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  return fs.f_type == static_cast<decltype(fs.f_type)>(0x01021994) ||  // TMPFS_MAGIC
         fs.f_type == static_cast<decltype(fs.f_type)>(0x858458f6);    // RAMFS_MAGIC
}

int open_segment(const MemoryStoreConfig& c, const std::string& name, int flags) {
  return c.dir.empty() ? ::shm_open(name.c_str(), flags, 0600)
                       : ::open(name.c_str(), flags | O_CLOEXEC, 0600);
}

[[noreturn]] void fail(const std::string& what, const std::string& name) {
  throw std::system_error(errno, std::generic_category(), what + " " + name);
}

}  // namespace

struct MemoryStore::Header {
  struct Slot {
    uint32_t state;
    uint32_t pad;
    uint64_t seq;  // bumped by every begin_save; readers retry if it moves under them
    uint64_t iteration;
    uint64_t bytes;
    uint64_t checksum;
  };
  uint64_t magic;
  uint32_t version;
  uint32_t slot_count;
  uint64_t slot_capacity;
  uint64_t latest;  // slot index or kNone
  Slot slots[2];
};
MemoryStore::MemoryStore(MemoryStoreConfig config)
    : config_(std::move(config)), name_(segment_name(config_)) {
  static_assert(sizeof(Header) <= kPage, "segment header must fit its page");
  if (config_.slot_capacity_bytes > kMaxSlotBytes) {
    throw std::invalid_argument("shared memory slots of " + std::to_string(config_.slot_capacity_bytes) +
                                " bytes asked for " + name_ + ": more than the 1 TiB limit");
  }
  const bool create = config_.slot_capacity_bytes > 0;
  int fd = open_segment(config_, name_, O_RDWR | (create ? O_CREAT : 0));
  if (fd < 0) fail(create ? "create shared memory" : "open shared memory", name_);
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  ::fchmod(fd, 0600);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("fstat", name_);

  uint64_t capacity = round_page(config_.slot_capacity_bytes);
  bool fresh = st.st_size == 0;
  if (!fresh) {
    Header h{};
    if (::pread(fd, &h, sizeof h, 0) != static_cast<ssize_t>(sizeof h) || h.magic != kMagic ||
        h.version != kVersion) {
      throw CheckpointCorrupt("shared memory segment " + name_ + " has no valid header");
    }
    // A header whose slots do not fit the segment would map past its end (SIGBUS on access).
    if (h.slot_capacity > kMaxSlotBytes || static_cast<uint64_t>(st.st_size) < kPage + 2 * h.slot_capacity) {
      throw CheckpointCorrupt("shared memory segment " + name_ + " is " + std::to_string(st.st_size) +
                              " bytes, too small for the slots its header claims");
    }
    if (create && h.slot_capacity < capacity) {
      throw std::runtime_error("shared memory segment " + name_ + " holds slots of " +
                               std::to_string(h.slot_capacity) + " bytes, need " +
                               std::to_string(capacity) + "; destroy it first");
    }
    capacity = h.slot_capacity;
  } else if (!create) {
    throw std::runtime_error("shared memory segment " + name_ + " is empty");
  }
  map_bytes_ = kPage + 2 * capacity;
  if (fresh && ram_backed(fd)) {
    // A tmpfs may be larger than the memory left (its default is half of RAM, and other ranks
    // reserve theirs too): reserving past MemAvailable would push the host into swap or the OOM
    // killer mid-run. Say so now, before training starts.
    const uint64_t available = available_memory_bytes();
    if (available > 0 && map_bytes_ > available) {
      unlink_segment(config_);
      throw std::runtime_error("shared memory segment " + name_ + " needs " + std::to_string(map_bytes_) +
                               " bytes (two checkpoint slots) but only " + std::to_string(available) +
                               " bytes of memory are available on this host (MemAvailable): use fewer ranks per "
                               "machine, a smaller preset, or --strategy disk");
    }
  }
  if (fresh) {
    // Reserve the pages now: on a full tmpfs this fails cleanly instead of a SIGBUS mid-save.
    int rc = ::posix_fallocate(fd, 0, static_cast<off_t>(map_bytes_));
    if (rc != 0) {
      unlink_segment(config_);
      errno = rc;
      fail("reserve " + std::to_string(map_bytes_) + " bytes of shared memory (is /dev/shm big "
           "enough? see --shm-dir) for",
           name_);
    }
  }
  map_ = ::mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map_ == MAP_FAILED) {
    map_ = nullptr;
    fail("mmap", name_);
  }
  if (fresh) {
    Header* h = header();
    std::memset(h, 0, sizeof(Header));
    h->version = kVersion;
    h->slot_count = 2;
    h->slot_capacity = capacity;
    h->latest = kNone;
    store_release(&h->magic, kMagic);  // magic last: a half-initialised header is never valid
  }
}

MemoryStore::~MemoryStore() {
  if (map_ != nullptr) ::munmap(map_, map_bytes_);
}

MemoryStore::Header* MemoryStore::header() const { return static_cast<Header*>(map_); }

uint8_t* MemoryStore::slot_data(int slot) const {
  return static_cast<uint8_t*>(map_) + kPage + static_cast<uint64_t>(slot) * header()->slot_capacity;
}

uint64_t MemoryStore::slot_capacity_bytes() const { return header()->slot_capacity; }

int MemoryStore::latest_slot() const {
  const uint64_t latest = load_acquire(&header()->latest);
  return latest == kNone ? -1 : static_cast<int>(latest);
}

int MemoryStore::next_save_slot() const { return latest_slot() == 0 ? 1 : 0; }

bool MemoryStore::next_save_into_untouched_slot() const {
  if (map_ == nullptr) throw std::logic_error("MemoryStore used after destroy()");
  return !slot_touched_[next_save_slot()];
}

uint8_t* MemoryStore::begin_save(uint64_t bytes, int* slot) {
  if (map_ == nullptr) throw std::logic_error("MemoryStore used after destroy()");
  Header* h = header();
  if (bytes > h->slot_capacity) {
    throw std::runtime_error("image of " + std::to_string(bytes) + " bytes exceeds slot capacity " +
                             std::to_string(h->slot_capacity) + " of " + name_);
  }
  const int target = next_save_slot();
  slot_touched_[target] = true;
  Header::Slot& s = h->slots[target];
  store_release(&s.state, kWriting);
  store_release(&s.seq, s.seq + 1);
  s.bytes = bytes;
  *slot = target;
  return slot_data(target);
}

void MemoryStore::commit(int slot) {
  Header* h = header();
  Header::Slot& s = h->slots[slot];
  if (load_acquire(&s.state) != kWriting) throw std::logic_error("commit without begin_save");
  const ImageInfo info = parse_header(slot_data(slot), s.bytes);
  s.iteration = info.iteration;
  s.checksum = info.checksum;
  store_release(&s.state, kComplete);
  store_release(&h->latest, static_cast<uint64_t>(slot));
}

SaveResult MemoryStore::save(const uint8_t* image, size_t bytes) {
  const ImageInfo info = parse_header(image, bytes);
  SaveResult result;
  result.iteration = info.iteration;
  result.bytes = bytes;
  result.checksum = info.checksum;
  auto t0 = Clock::now();
  int slot = -1;
  uint8_t* dst = begin_save(bytes, &slot);
  std::memcpy(dst, image, bytes);
  result.write_s = since(t0);
  auto t1 = Clock::now();
  commit(slot);
  result.commit_s = since(t1);
  return result;
}

bool MemoryStore::read_slot(int slot, HostBuffer& out, LoadResult& result, bool is_latest) {
  Header* h = header();
  for (int attempt = 0; attempt < 3; ++attempt) {
    Header::Slot& s = h->slots[slot];
    const uint64_t seq = load_acquire(&s.seq);
    if (load_acquire(&s.state) != kComplete) {
      if (is_latest) result.rejected.push_back("slot " + std::to_string(slot) + " not complete");
      return false;
    }
    const uint64_t bytes = s.bytes, checksum = s.checksum;
    out.ensure(bytes);
    auto t0 = Clock::now();
    std::memcpy(out.data(), slot_data(slot), bytes);
    slot_touched_[slot] = true;
    result.fetch_s = since(t0);
    if (load_acquire(&s.seq) != seq || load_acquire(&s.state) != kComplete) continue;  // overwritten
    auto t1 = Clock::now();
    try {
      const ImageInfo info = verify_image(out.data(), bytes);
      if (info.checksum != checksum) throw ImageError("slot checksum differs from image checksum");
      result.verify_s = since(t1);
      result.iteration = info.iteration;
      result.bytes = bytes;
      result.checksum = checksum;
      return true;
    } catch (const ImageError& e) {
      result.rejected.push_back("slot " + std::to_string(slot) + ": " + e.what());
      return false;
    }
  }
  return false;
}

std::optional<LoadResult> MemoryStore::load_latest(HostBuffer& out) {
  if (map_ == nullptr) throw std::logic_error("MemoryStore used after destroy()");
  const int latest = latest_slot();
  if (latest < 0) return std::nullopt;
  LoadResult result;
  // Newest first, then the other slot if it is complete and older.
  for (int slot : {latest, 1 - latest}) {
    if (read_slot(slot, out, result, slot == latest)) return result;
  }
  std::string why;
  for (const auto& r : result.rejected) why += (why.empty() ? "" : "; ") + r;
  throw CheckpointCorrupt("no valid checkpoint in " + name_ + ": " + why);
}

std::vector<uint64_t> MemoryStore::iterations() const {
  std::vector<uint64_t> out;
  if (map_ == nullptr) return out;
  const int latest = latest_slot();
  if (latest < 0) return out;
  for (int slot : {latest, 1 - latest}) {
    const Header::Slot& s = header()->slots[slot];
    if (load_acquire(&s.state) == kComplete) out.push_back(s.iteration);
  }
  return out;
}

std::optional<LoadResult> MemoryStore::load_iteration(uint64_t iteration, HostBuffer& out) {
  if (map_ == nullptr) throw std::logic_error("MemoryStore used after destroy()");
  for (int slot : {0, 1}) {
    const Header::Slot& s = header()->slots[slot];
    if (load_acquire(&s.state) != kComplete || s.iteration != iteration) continue;
    LoadResult result;
    if (read_slot(slot, out, result, false) && result.iteration == iteration) return result;
  }
  return std::nullopt;
}

std::optional<MemoryStore::View> MemoryStore::committed(uint64_t iteration) const {
  if (map_ == nullptr) return std::nullopt;
  for (int slot : {0, 1}) {
    const Header::Slot& s = header()->slots[slot];
    if (load_acquire(&s.state) == kComplete && s.iteration == iteration) {
      return View{slot_data(slot), s.bytes};
    }
  }
  return std::nullopt;
}

void MemoryStore::destroy() {
  if (map_ != nullptr) {
    ::munmap(map_, map_bytes_);
    map_ = nullptr;
  }
  unlink_segment(config_);
}

bool MemoryStore::unlink_segment(const MemoryStoreConfig& config) {
  const std::string name = segment_name(config);
  return (config.dir.empty() ? ::shm_unlink(name.c_str()) : ::unlink(name.c_str())) == 0;
}

}  // namespace gemini::real
