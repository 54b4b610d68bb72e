// gemini-launch's supervisor: starts N ranks of gemini-train on this host grouped into M
// "machines", hosts the rendezvous store (so it survives any rank), injects the planned failures
// (SIGKILL a rank; or lose a machine: SIGKILL its ranks and destroy its memory store segments),
// detects deaths, kills the rest of the generation and restarts the job, then reports the run
// as one JSON (launch_report.cpp; keys in docs/REAL.md). The command line is launch_main.cpp.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "dist.hpp"
#include "failure_schedule.hpp"
#include "rank_options.hpp"

namespace gemini::real::launch {

using json = nlohmann::json;

// The launcher's own flags (the ranks' flags are RankOptions).
struct LaunchOptions {
  int ranks = 4;
  std::vector<std::string> fail;
  int fail_random = 0;
  uint64_t fail_seed = 1;
  double fail_machine_fraction = 0.5;
  int max_restarts = 3;
  std::string out;
  int master_port = 0;
  std::string train_bin;
  bool keep_memory = false;
  bool resume = false;
  bool clean_disk = false;
};

// One rank process of the current generation.
struct Child {
  pid_t pid = -1;
  bool running = false;
  int status = 0;
  double exited_at = 0;
};

// One failure as it happened: planned (a kill) or not (a rank that died by itself, "crash").
struct FailureRecord {
  std::string kind;
  std::vector<int> targets;
  std::vector<int> killed;
  int64_t planned_iteration = -1;
  std::string phase;  // "" | save | replicate | recover (failure_schedule.hpp)
  int generation = 0;
  double t_kill = 0, t_detect = 0, t_torn = 0;
  int64_t progress = 0;
  std::string detected_as;
};

class Launcher {
 public:
  Launcher(RankOptions o, LaunchOptions l, std::vector<PlannedFailure> schedule)
      : o_(std::move(o)), l_(std::move(l)), schedule_(std::move(schedule)) {}

  int run();

 private:
  void spawn(int gen);
  void kill_generation();  // SIGKILL and reap every rank still running
  std::optional<int64_t> read_int(const std::string& key);
  int64_t progress(int gen);
  bool trained_in(int gen);  // whether any rank of generation `gen` finished an iteration
  json report(bool completed, int generations);

  RankOptions o_;
  LaunchOptions l_;
  std::vector<PlannedFailure> schedule_;
  std::unique_ptr<dist::KvStore> store_;
  // The job's secret, handed to each rank in its environment (GEMINI_JOB_TOKEN), never written
  // to the store: LibTorch 1.13's TCPStore server listens on every interface.
  std::string token_;
  std::vector<Child> children_;
  std::vector<FailureRecord> failures_;
  std::vector<double> spawn_times_;
  double t0_ = 0;
  int interrupted_ = 0;  // the signal that stopped the run early (0: none)
  int startup_crashes_ = 0;  // consecutive generations that crashed before training
  std::string gave_up_;      // why the launcher stopped restarting ("": it did not)
};

// Prints "gemini-launch: WHAT" and exits 2 (bad input).
[[noreturn]] void usage_error(const std::string& what);

// The directory of this executable (gemini-train is looked for there).
std::string self_dir();

// SIGTERM/SIGINT (e.g. from `timeout`) make Launcher::run kill the ranks and still report.
void install_stop_handlers();

}  // namespace gemini::real::launch
