// GEMINI's replication from one rank: its checkpoints handed to the ranks that hold its replicas
// on peer machines, over TCP (the holders' replica services) or NCCL (GPU to GPU), one checkpoint
// at a time, logged as "replicate" / "replicate_error" / "replicated" events.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "event_log.hpp"
#include "nccl_comm.hpp"
#include "replica.hpp"

namespace gemini::real {

// Hands one checkpoint to every holder of this rank's replicas and logs each; false if any failed.
using Delivery = std::function<bool(uint64_t iteration, const uint8_t* data, uint64_t bytes)>;

// Sender of one rank's checkpoints to its replica holders, one checkpoint at a time; the training
// loop waits for the previous one before the next save. In the background (a thread of its own)
// unless `in_line`: then submit() delivers before it returns (NCCL replication beside an NCCL
// all-reduce: two communicators' kernels on one GPU must not interleave differently on different
// ranks).
class Replicator {
 public:
  Replicator(Delivery deliver, size_t holders, int owner, int generation, EventLog& log, bool in_line);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // `data` must stay valid until the delivery is done (wait_idle).
  void submit(uint64_t iteration, const uint8_t* data, uint64_t bytes);
  // Blocks until the previous checkpoint reached every holder (or failed); returns the wait.
  double wait_idle();
  // True when submit() delivers before it returns (no thread of its own).
  bool in_line() const { return !thread_.joinable(); }

 private:
  struct Job {
    uint64_t iteration = 0;
    const uint8_t* data = nullptr;
    uint64_t bytes = 0;
    double submitted = 0;
  };
  void deliver(const Job& job);
  void run();

  Delivery deliver_;
  size_t holders_;
  int owner_, gen_;
  EventLog& log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false, stop_ = false;
  Job job_;
  std::thread thread_;
};

struct ReplicaTarget {
  int rank;
  std::string address;  // its replica service
};

// Replication through the holders' replica services: one PUT per holder. `halfway` (tests, may
// be empty) runs halfway through sending each checkpoint's first replica.
Delivery tcp_delivery(std::vector<ReplicaTarget> targets, std::string token, int owner, int gen, EventLog& log,
                      std::function<void(uint64_t iteration)> halfway);

// Replication GPU to GPU: every rank sends its image to its holders and receives its owners'
// images in one NCCL exchange (collective: all ranks save at the same iterations), received
// straight into this machine's replica slots, each verified before it is committed.
Delivery nccl_delivery(NcclComm& comm, ReplicaService& service, std::vector<int> holders, std::vector<int> owners,
                       int owner, int gen, EventLog& log);

}  // namespace gemini::real
