// Options of a data-parallel training rank, shared by gemini-train (which runs one rank when
// WORLD_SIZE is set) and gemini-launch (which passes them on to every rank it starts).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "trainer_options.hpp"

namespace CLI {
class App;
}

namespace gemini::real {

// The trainer options (threads default 1 here: several ranks share one host's CPUs) and the rank's.
struct RankOptions : TrainerOptions {
  RankOptions() { threads = 1; }
  std::string strategy = "memory";  // none | disk | memory | gemini
  int64_t interval = 10;            // checkpoint every N iterations
  int64_t persistent_interval = 0;  // memory/gemini: also save to disk every N (0: never)
  int64_t iterations = 100;
  std::string job = "train";
  int machines = 1;                 // ranks are grouped into this many machines
  int replicas = 2;                 // gemini: m, copies of each checkpoint counting the owner's
  std::string placement = "auto";   // group | ring | auto (GEMINI Algorithm 1)
  std::string bind = "127.0.0.1";   // replication listener and collective (Gloo / TCP ring) address
  std::string collective = "auto";  // gradient all-reduce: auto | gloo | tcp | nccl (auto: gloo if built)
  std::string replication_transport = "tcp";  // gemini: tcp (replica service) | nccl (GPU to GPU)
  // gemini: background (overlapped with training, GEMINI's design) | in-line (each save waits for
  // its replicas: the synchronous baseline) | auto (in-line only with NCCL gradients and NCCL
  // replication, whose kernels on one GPU must be ordered the same on every rank).
  std::string replication_mode = "auto";
  std::string run_dir;              // per-rank event logs (JSON lines)
  int timeout_s = 60;               // rendezvous and collective timeout
  int debug_save_pause_ms = 0;      // tests: pause halfway through each memory save, replica send, recovery
  bool verify_restore = true;       // after a restore, re-capture and compare every tensor

  // Adds the flags above to `app` (with validators).
  void add_flags(CLI::App& app, bool with_rank_only_flags);
  // The argument list that reproduces these options.
  std::vector<std::string> to_args() const;
  // Whether a gemini save's replication runs inside the save (stalling training) rather than
  // in the background: replication_mode resolved.
  bool replication_in_line() const;
  // Cross-flag checks (ranks/machines/replicas, strategy needs): returns "" or the problem.
  std::string check(int world_size) const;
};

}  // namespace gemini::real
