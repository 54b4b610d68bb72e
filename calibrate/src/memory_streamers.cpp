// Child processes that read and hash their images while told to (see memory_streamers.hpp).
#include "memory_streamers.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <cstring>
#include <new>
#include <stdexcept>
#include <thread>

#include "buffer.hpp"
#include "shm_file.hpp"

namespace gemini::calibrate::detail {
namespace {

constexpr int kIdle = 0, kRun = 1, kExit = 2;

void wait_a_little() { std::this_thread::sleep_for(std::chrono::microseconds(200)); }

}  // namespace

MemoryStreamers::MemoryStreamers(int processes, uint64_t bytes, bool landing_resident) {
  if (processes < 1 || processes > 64) throw std::invalid_argument("MemoryStreamers: 1..64 processes");
  void* page = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw std::runtime_error("mmap of the streamers' shared page failed");
  shared_ = new (page) Shared{};
  for (int i = 0; i < processes; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int code = 0;
      try {
        // Each child's own image in /dev/shm (filled once): a survivor's retrieval maps its
        // memory-store slot afresh, copies it out into its restarted process's buffer and
        // hashes the copy.
        ShmFile image(bytes, "-s" + std::to_string(i));
        image.fill(31 + static_cast<uint64_t>(i));
        shared_->ready.fetch_add(1);
        uint64_t sink = 0;
        LandingSlot landing(bytes, landing_resident);
        for (int s; (s = shared_->state.load()) != kExit;) {
          if (s != kRun) { wait_a_little(); continue; }
          sink += copy_out_and_hash(image, landing.acquire(bytes), bytes);
          landing.release();
          shared_->passes[i].fetch_add(1);
        }
        const volatile uint64_t kept = sink;  // the hashes are used
        (void)kept;
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    if (pid < 0) {
      stop();
      throw std::runtime_error("fork of a memory-streaming process failed");
    }
    children_.push_back(pid);
  }
  while (shared_->ready.load() < processes) {
    check_alive("while allocating its buffers");
    wait_a_little();
  }
}

MemoryStreamers::~MemoryStreamers() { stop(); }

void MemoryStreamers::stop() {
  if (!shared_) return;
  shared_->state.store(kExit);
  for (pid_t pid : children_) {
    int status = 0;
    ::waitpid(pid, &status, 0);
  }
  children_.clear();
  ::munmap(shared_, sizeof(Shared));
  shared_ = nullptr;
}

void MemoryStreamers::check_alive(const char* when) {
  for (size_t i = 0; i < children_.size(); ++i) {
    int status = 0;
    if (::waitpid(children_[i], &status, WNOHANG) != children_[i]) continue;
    children_.erase(children_.begin() + static_cast<std::ptrdiff_t>(i));  // reaped: not waited for again
    stop();
    throw std::runtime_error(std::string("a memory-streaming process died ") + when);
  }
}

void MemoryStreamers::start() {
  std::vector<uint64_t> before(children_.size());
  for (size_t i = 0; i < children_.size(); ++i) before[i] = shared_->passes[i].load();
  shared_->state.store(kRun);
  // Two more passes each: the one in progress at the call may have started before it.
  for (size_t i = 0; i < children_.size(); ++i)
    while (shared_->passes[i].load() < before[i] + 2) {
      check_alive("while copying");
      wait_a_little();
    }
}

void MemoryStreamers::pause() { shared_->state.store(kIdle); }

uint64_t MemoryStreamers::passes() const {
  uint64_t n = 0;
  for (size_t i = 0; i < children_.size(); ++i) n += shared_->passes[i].load();
  return n;
}

}  // namespace gemini::calibrate::detail
