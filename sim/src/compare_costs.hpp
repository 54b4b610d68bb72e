// What one rank's save, retrieval and replication cost in a real/ run: the profile's costs,
// shared among the run's ranks on its one host as compare_sharing.hpp says. Computed once per
// run; compare_replay.cpp charges them save by save and failure by failure.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "gemini/compare.hpp"

namespace gemini::compare {

class RunCosts {
 public:
  RunCosts(const MeasuredRun& run, const HostCosts& k, DiskOverlap disk_overlap);

  const MeasuredRun& run;
  const HostCosts& k;
  double image_bytes;
  int ranks, cpus, threads;  // threads: each rank's, for its checksums
  bool use_memory;  // memory or gemini: frequent checkpoints into each rank's memory store
  bool gemini;
  int holders;      // gemini: the peers holding each rank's replica (replicas - 1), else 0
  bool on_gpu;
  int ranks_per_gpu;
  double tcp_load;      // tcp_thread_load() at the image's size
  double save_share;    // share(ranks, cpus): every rank saving at once
  double copy_s;        // the snapshot copy (device to host on a GPU)
  double sum_s;         // the snapshot's XXH64 while every rank hashes
  double mem_fresh_s;   // a memory save into a slot the process has not mapped yet
  double mem_mapped_s;  // ... into one it has (a plain copy)
  double disk_s;        // a disk save, every rank writing at once
  bool transfers_measured;  // the concurrent loopback benchmark ran with the run's rank count
  double put_fresh_s, put_warm_s;  // gemini: one replica put into a fresh / a mapped slot

  // XXH64 of one image on the rank's threads while `runnable` threads compete for the CPUs.
  double checksum_s(double runnable) const;
  // A restore: memcpy into the model's tensors while `runnable` tasks share the CPUs; on a GPU,
  // the pinned host-to-device copies of the ranks on each GPU through its link.
  double restore_s(int runnable) const;
  // A recovery in which `n_peer` ranks fetch from a peer: the other ranks' one thread each, and
  // each fetch's two (the rank's receiver and its holder's service) at a loopback transfer's load.
  double fetch_runnable(int n_peer) const;
  // The threads hashing a recovery's images: t per rank in place of its one.
  double fetch_hashing(double runnable) const;
  // Each rank's seconds in the disk save of `iteration` in `generation`. All at once unless the
  // run lists when each rank started writing and the model is finish-together; `from_starts`
  // says which.
  std::vector<double> disk_round_s(size_t generation, int64_t iteration, bool* from_starts) const;
  // The slowest rank's retrieval when ranks use `tiers` ("memory", "peer" or "disk", per rank)
  // at once: every tier verifies every tensor. `busiest_cpu_ranks`: how many of them began on
  // the busiest CPU (0: not recorded). `by_layout`: charged at memory-retrieval-busiest's figure
  // for that count, so that the row note counts exactly the recoveries charged so.
  struct Retrieval {
    double seconds = 0;
    bool by_layout = false;
  };
  Retrieval retrieval(const std::vector<std::string>& tiers, int busiest_cpu_ranks) const;
  // Whether the memory-retrieval-concurrent benchmark ran with the run's ranks and hashed as
  // they do (one thread each): then a recovery whose ranks all retrieve from their own memory
  // stores costs its slowest process.
  bool own_memory_retrievals_measured() const;
  // memory-retrieval-busiest's cost for such a recovery when `busiest_cpu_ranks` of its ranks
  // began on one CPU, where it was measured with the run's ranks and hashed as they do; else null.
  const ConcurrentCost* own_memory_layout_cost(int busiest_cpu_ranks) const;

 private:
  double lone_disk_s_;
  bool overlap_from_starts_;
};

}  // namespace gemini::compare
