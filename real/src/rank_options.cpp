// RankOptions: flags shared by gemini-train (rank mode) and gemini-launch.
#include "rank_options.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <regex>

#include "cli_common.hpp"
#include "dist.hpp"
#include "nccl_comm.hpp"
#include "placement.hpp"

namespace gemini::real {

void RankOptions::add_flags(CLI::App& app, bool with_rank_only_flags) {
  add_trainer_options(app, *this);  // --preset, --device, --threads, --dir, --disk-io, --shm-dir, --seed
  app.add_option("--strategy", strategy, "Checkpoint strategy")
      ->check(CLI::IsMember({"none", "disk", "memory", "gemini"}));
  app.add_option("--interval", interval, "Checkpoint every N iterations")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--persistent-interval", persistent_interval,
                 "memory/gemini: also checkpoint to disk every N iterations (0: never)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  app.add_option("--iterations", iterations, "Train until this iteration")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  app.add_option("--job", job, "Job name (names checkpoint files and shared memory segments)")
      ->check(CLI::Validator(
          [](std::string& s) {
            return std::regex_match(s, std::regex("[A-Za-z0-9_.-]{1,64}")) ? std::string()
                                                                           : "letters, digits, _ . - only";
          },
          "JOB"));
  app.add_option("--replicas", replicas, "gemini: copies per checkpoint, the owner's included (m)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--placement", placement, "gemini: replica placement")
      ->check(CLI::IsMember({"group", "ring", "auto"}));
  app.add_option("--bind", bind, "Numeric address for the replication listener and the collective");
  app.add_option("--collective", collective,
                 "Gradient all-reduce: gloo (c10d), tcp (our TCP ring), nccl (on the GPUs, one per rank) "
                 "or auto (gloo where built)")
      ->check(CLI::IsMember({"auto", "gloo", "tcp", "nccl"}));
  app.add_option("--replication-transport", replication_transport,
                 "gemini: how images reach the peers' memory: tcp (the replica service) or nccl "
                 "(GPU to GPU, one GPU per rank; retrieval still fetches over TCP)")
      ->check(CLI::IsMember({"tcp", "nccl"}));
  app.add_option("--replication-mode", replication_mode,
                 "gemini: background (replicas sent while training continues), in-line (each save "
                 "waits for its replicas) or auto (in-line only with NCCL gradients and NCCL replication)")
      ->check(CLI::IsMember({"auto", "background", "in-line"}));
  app.add_option("--timeout", timeout_s, "Rendezvous/collective timeout in seconds")
      ->check(CLI::Range(1, 86400));
  app.add_option("--debug-pause-ms,--debug-save-pause-ms", debug_save_pause_ms,
                 "Tests: pause halfway through each memory save, replica send and recovery (for "
                 "--fail ...:save|:replicate|:recover)")
      ->check(CLI::Range(0, 600000));
  app.add_option("--verify-restore", verify_restore,
                 "After a restore, capture again and compare every tensor checksum");
  if (with_rank_only_flags) {
    app.add_option("--machines", machines, "Machines the ranks are grouped into")
        ->check(CLI::Range(1, 1 << 20));
    app.add_option("--run-dir", run_dir, "Directory for per-rank event logs");
  }
}

std::vector<std::string> RankOptions::to_args() const {
  const std::vector<std::string> all = {"--preset", preset, "--device", device, "--strategy", strategy,
          "--interval", std::to_string(interval),
          "--persistent-interval", std::to_string(persistent_interval),
          "--iterations", std::to_string(iterations), "--threads", std::to_string(threads),
          "--dir", dir, "--disk-io", disk_io, "--shm-dir", shm_dir, "--job", job, "--seed", std::to_string(seed),
          "--machines", std::to_string(machines), "--replicas", std::to_string(replicas),
          "--placement", placement, "--bind", bind, "--collective", collective,
          "--replication-transport", replication_transport, "--replication-mode", replication_mode,
          "--run-dir", run_dir,
          "--timeout", std::to_string(timeout_s),
          "--debug-save-pause-ms", std::to_string(debug_save_pause_ms),
          "--verify-restore", verify_restore ? "true" : "false"};
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < all.size(); i += 2) {
    if (all[i + 1].empty()) continue;  // an empty value means "default"
    out.push_back(all[i]);
    out.push_back(all[i + 1]);
  }
  return out;
}

bool RankOptions::replication_in_line() const {
  if (strategy != "gemini") return false;
  if (replication_mode == "auto") return collective == "nccl" && replication_transport == "nccl";
  return replication_mode == "in-line";
}

std::string RankOptions::check(int world_size) const {
  if (world_size < 1) return "WORLD_SIZE must be >= 1";
  if (machines < 1 || world_size % machines != 0) {
    return "ranks (" + std::to_string(world_size) + ") must be a multiple of --machines (" +
           std::to_string(machines) + ")";
  }
  if (strategy == "gemini") {
    if (replicas < 2) return "--strategy gemini needs --replicas >= 2";
    if (replicas > machines) {
      return "--replicas (" + std::to_string(replicas) + ") exceeds --machines (" +
             std::to_string(machines) + ")";
    }
    try {
      replica_peers(machines, replicas, parse_placement(placement));
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  if (const std::string problem = dist::Collective::check_kind(collective); !problem.empty()) return problem;
  const bool on_gpu = device.rfind("cuda", 0) == 0;
  if (collective == "nccl" && !on_gpu) return "--collective nccl needs --device cuda";
  if (replication_mode != "auto" && strategy != "gemini") return "--replication-mode applies to --strategy gemini";
  if (replication_mode == "background" && collective == "nccl" && replication_transport == "nccl") {
    return "--replication-mode background: with --collective nccl the NCCL replication runs in line (two "
           "communicators' kernels on one GPU must be ordered alike on every rank)";
  }
  if (replication_transport == "nccl") {
    if (strategy != "gemini") return "--replication-transport nccl applies to --strategy gemini";
    if (!on_gpu) return "--replication-transport nccl needs --device cuda";
    if (!NcclComm::compiled()) return "--replication-transport nccl: " + NcclComm::describe();
  }
  if (!shm_dir.empty() && !std::filesystem::is_directory(shm_dir)) {
    return "--shm-dir '" + shm_dir + "' is not a directory";
  }
  if (persistent_interval > 0 && strategy != "memory" && strategy != "gemini") {
    return "--persistent-interval applies to the memory and gemini strategies";
  }
  return "";
}

}  // namespace gemini::real
