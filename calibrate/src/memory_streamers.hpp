// Neighbour processes that stream memory on demand (internal): what a machine loss's surviving
// ranks do while the lost machine's ranks read their images from disk (each copies its image
// out of the memory store and hashes it). Memory traffic slows cold disk readers on our VMs
// where busy loops do not (results/cpu/disk-read-pairs/: two `dd bs=256M` halved two readers'
// rate), so the concurrent read benchmark also measures them beside such neighbours.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <vector>

namespace gemini::calibrate::detail {

class MemoryStreamers {
 public:
  // Forks `processes` children, each with an image of `bytes` in its own /dev/shm file, idle
  // until start(). Each copies into landing memory of its own (buffer.hpp LandingSlot):
  // resident from the start, or mapped afresh for every pass. Throws when a child cannot start.
  MemoryStreamers(int processes, uint64_t bytes, bool landing_resident);
  ~MemoryStreamers();  // stops and reaps every child
  MemoryStreamers(const MemoryStreamers&) = delete;
  MemoryStreamers& operator=(const MemoryStreamers&) = delete;

  // Every child does, over and over, what a survivor's retrieval does: map its image afresh,
  // copy it out into its landing memory, unmap, XXH64 the copy. Returns once each has finished
  // a whole pass since the call, so the traffic is there when the caller's measurement starts.
  void start();
  // Every child stops (after the pass in progress) and waits for the next start().
  void pause();
  // Passes finished by all children since they were forked.
  uint64_t passes() const;

 private:
  void stop();  // every child told to exit and reaped; the shared page unmapped
  void check_alive(const char* when);  // throws (after stop()) when a child has died
  struct Shared {
    std::atomic<int> state;  // kIdle, kRun or kExit
    std::atomic<int> ready;  // children that allocated their buffers
    std::atomic<uint64_t> passes[64];
  };
  Shared* shared_ = nullptr;
  std::vector<pid_t> children_;
};

}  // namespace gemini::calibrate::detail
