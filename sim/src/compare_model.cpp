// Closed-form predictions of a real/ run's phases from a calibrated host profile.
//
// The model follows what real/ does (real/src/rank_worker.cpp, memory_store.cpp, disk_store.cpp,
// replica.cpp); docs/VALIDATION.md states it in prose. How the run's ranks share this one host's
// CPUs, disk and loopback is in compare_sharing.hpp. On a GPU (a cuda run) the ranks on one GPU
// (all R of them on a one-GPU host; real/ spreads "cuda" ranks over the GPUs, run.gpus_used)
// share its PCIe link for their snapshot copies (device to pinned host buffer) and restores
// (back), which happen at once.
#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "compare_sharing.hpp"
#include "gemini/compare.hpp"

namespace gemini::compare {
namespace {

// The mean of v, or `empty` when there is nothing to average.
double mean_or(const std::vector<double>& v, double empty) {
  if (v.empty()) return empty;
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

void keep_two(std::deque<int64_t>& d, int64_t it) {
  d.push_back(it);
  while (d.size() > 2) d.pop_front();
}
bool holds(const std::deque<int64_t>& d, int64_t it) { return std::find(d.begin(), d.end(), it) != d.end(); }

struct RankState {
  std::deque<int64_t> memory, disk, replica;  // replica: held by this rank's peer holder
};

struct FailurePrediction {
  int64_t resumed = 0;
  int64_t lost = 0;
  std::string tier = "none";
  std::map<std::string, int> tiers;
  double retrieval_s = 0, load_s = 0;
};

PhaseRow row(const std::string& phase, const std::string& method, const MeasuredRun& run,
             const std::vector<double>& predicted, double threshold_s, const std::string& note) {
  PhaseRow r;
  r.phase = phase;
  r.method = method;
  r.note = note;
  const auto it = run.phases.find(phase);
  if (it != run.phases.end()) {
    r.has_measured = true;
    r.measured = it->second;
  }
  r.predicted_s = quantile(predicted, 0.5);
  r.predicted_p10_s = quantile(predicted, 0.1);
  r.predicted_p90_s = quantile(predicted, 0.9);
  if (r.has_measured && r.measured.median_s > 0 && method != "input") {
    r.rel_error = (r.predicted_s - r.measured.median_s) / r.measured.median_s;
  }
  r.checked = method != "input" && r.has_measured && r.measured.median_s > threshold_s;
  return r;
}

}  // namespace

RunComparison predict_closed_form(const MeasuredRun& run, const HostCosts& k, double threshold_s,
                                  EnginePlanInputs* engine, DiskOverlap disk_overlap) {
  RunComparison out;
  out.path = run.path;
  out.label = run.preset + "/" + run.strategy;
  const double b = run.image_bytes;
  const int R = run.ranks, C = run.cpu_count > 0 ? run.cpu_count : std::max(1, k.logical_cpus);
  const int rpm = run.ranks_per_machine;
  const double T = run.step_mean_s;
  const bool use_memory = run.strategy == "memory" || run.strategy == "gemini";
  const bool gemini = run.strategy == "gemini";
  const int holders = gemini ? std::max(0, run.replicas - 1) : 0;
  const double tcp_load = tcp_thread_load(k, C, b);

  // ---- Saves: every rank saves at the same iterations, so one event stands for all ranks,
  // except for the memory store, where a rank's slot may or may not be mapped yet. ----
  const double c_save = share(R, C);
  const bool on_gpu = runs_on_gpu(run);
  const int gpus = std::max(1, run.gpus_used);
  const int ranks_per_gpu = (R + gpus - 1) / gpus;
  const double copy_s = on_gpu ? k.gpu_to_cpu.alpha_s + ranks_per_gpu * b / k.gpu_to_cpu.bandwidth_bytes_per_s
                               : cpu_shared_s(k.memcpy, k.memcpy_concurrent, R, c_save, b);
  // XXH64 of one image on the rank's t threads while `runnable` threads compete for C CPUs.
  const int threads = std::max(1, run.threads);
  // One thread per rank is what the concurrent checksum benchmark measures.
  auto checksum_s = [&](double runnable) {
    // The concurrent benchmark stands only for its own whole number of hashing threads.
    const int whole = runnable == std::round(runnable) ? static_cast<int>(runnable) : 0;
    if (threads == 1) return cpu_shared_s(k.checksum, k.checksum_concurrent, whole, share(runnable, C), b);
    return share(runnable, C) * k.checksum.seconds(b) / threads;
  };
  const double sum_s = checksum_s(static_cast<double>(R) * threads);
  // A restore: memcpy into the model's tensors while `runnable` tasks share the CPUs; on a GPU,
  // the pinned host-to-device copies of the ranks on each GPU through its link.
  auto restore_s = [&](int runnable) {
    return on_gpu ? k.cpu_to_gpu.alpha_s + ranks_per_gpu * b / k.cpu_to_gpu.bandwidth_bytes_per_s
                  : cpu_shared_s(k.memcpy, k.memcpy_concurrent, runnable, share(runnable, C), b);
  };
  // A recovery in which `n_peer` ranks fetch from a peer: the other ranks' one thread each, and
  // each fetch's two (the rank's receiver and its holder's service) at a loopback transfer's
  // load; then the threads hashing the images: t per rank in place of its one.
  auto fetch_runnable = [&](int n_peer) { return (R - n_peer) + 2.0 * n_peer * tcp_load; };
  auto fetch_hashing = [&](double runnable) { return runnable - R + static_cast<double>(R) * threads; };
  // A memory save into a slot the process has not mapped yet (fresh) or has (a plain copy).
  const double mem_fresh_s = cpu_shared_s(k.shm_write_fresh, k.shm_write_fresh_concurrent, R, c_save, b);
  const double mem_mapped_s = cpu_shared_s(k.memcpy, k.memcpy_concurrent, R, c_save, b);
  // A disk save: the R ranks write their images to the one disk, each paying the concurrent
  // writers' cost when all start at once. Where the run lists when each rank started writing,
  // they finish together (disk_overlap.hpp): a rank starting d after the first takes that cost
  // less d. A fair share of the disk over the starts, which compare used from 18:06 to 00:20 on
  // 2026-11-27/28, predicted early starters' savings that do not happen (docs/VALIDATION.md
  // "Disk saves").
  const double disk_s = disk_shared_s(k.disk_write, k.disk_write_concurrent, R, b);
  const double lone_disk_s = k.disk_write.seconds(b);
  const bool overlap_from_starts = disk_overlap == DiskOverlap::finish_together && measured_with(k.disk_write_concurrent, R);
  int disk_rounds = 0, disk_rounds_from_starts = 0;
  auto disk_round_s = [&](size_t generation, int64_t iteration) {
    ++disk_rounds;
    std::vector<double> all_at_once(static_cast<size_t>(R), disk_s);
    if (!overlap_from_starts) return all_at_once;
    const auto found = run.disk_save_starts_s.find({static_cast<int64_t>(generation), iteration});
    if (found == run.disk_save_starts_s.end()) return all_at_once;
    const std::vector<double>& starts = found->second;
    if (std::any_of(starts.begin(), starts.end(), [](double s) { return std::isnan(s); })) return all_at_once;
    ++disk_rounds_from_starts;
    return finish_together_seconds(starts, disk_s, lone_disk_s);
  };
  // Replication (gemini): training (R threads), R senders and R receivers (checksumming on t
  // threads each) run at once. With the concurrent loopback benchmark measured for R transfers,
  // their cost is measured (how a transfer's two threads share the CPUs with the others') and
  // training's R threads, busy all the time, scale it by the runnable threads' share, the
  // transfers' 2R threads counted at their measured load (tcp_thread_load); else the lone
  // transfer is slowed as if all 3R threads ran all the time.
  const double repl_runnable = 3.0 * R;
  const double training_scale = share(R + 2.0 * R * tcp_load, C) / share(2.0 * R * tcp_load, C);
  const bool transfers_measured = measured_with(k.tcp_concurrent, R);
  const double transfer_s = transfers_measured ? k.tcp_concurrent.each.seconds(b) * training_scale
                                               : tcp_slowdown(repl_runnable, C) * k.tcp.seconds(b);
  const double fresh_extra_s = std::max(0.0, k.shm_write_fresh.seconds(b) - k.memcpy.seconds(b));
  // The receivers' own CPU work (verifying the image; faulting in a fresh slot) after the
  // transfers: with the transfers measured together, the R receivers' lone costs share the C
  // CPUs (R / C times each where R > C; the checksum on t threads each), scaled for training
  // like the transfers; else each is slowed as if all 3R threads ran all the time (an upper
  // bound).
  auto put_s = [&](bool fresh_slot) {
    const double extra_s = fresh_slot ? fresh_extra_s : 0.0;
    if (transfers_measured) {
      return transfer_s +
             (share(R * threads, C) * k.checksum.seconds(b) / threads + share(R, C) * extra_s) * training_scale;
    }
    return transfer_s + checksum_s(R * (2.0 + threads)) + share(repl_runnable, C) * extra_s;
  };
  const double put_warm_s = put_s(false), put_fresh_s = put_s(true);

  std::vector<double> stall, copies, sums, memory_saves, disk_saves, puts, backgrounds;
  std::vector<double> frequent_stalls;
  std::vector<double> stall_memory_only, stall_with_disk;  // per rank, the memory strategies' two kinds
  std::vector<RankState> ranks(static_cast<size_t>(R));
  std::vector<bool> restored_own_memory(static_cast<size_t>(R), false);  // this generation's recovery
  std::vector<FailurePrediction> predicted_failures;
  double total_stall_s = 0;
  int64_t trained_iterations = 0;

  // real/ hands a checkpoint to its replication thread when the next step's all-reduce returns
  // (once every rank has saved): about one step after the save, the update after the
  // all-reduce being a small part of a step.
  const double replication_start_delay_s = T;
  int64_t start = 0;
  double last_submit_iteration = -1, last_background_s = 0;
  for (size_t g = 0; g <= run.failures.size(); ++g) {
    const bool failed = g < run.failures.size();
    const int64_t end = failed ? run.failures[g].iteration : run.iterations;
    trained_iterations += std::max<int64_t>(0, end - start);
    int memory_saves_in_generation = 0, puts_in_generation = 0;
    last_submit_iteration = -1;  // a new generation has a new (idle) replicator
    for (int64_t it = start + 1; it <= end; ++it) {
      if (failed && it == end) break;  // killed once a rank reports this iteration
      const bool ckpt = it % run.interval == 0;
      const bool persist = run.strategy == "disk" ? ckpt
                                                  : (run.persistent_interval > 0 && it % run.persistent_interval == 0);
      if (!ckpt && !persist) continue;
      double wait_s = 0;
      if (gemini && last_submit_iteration >= 0) {
        wait_s = std::max(0.0, replication_start_delay_s + last_background_s -
                                   (static_cast<double>(it) - last_submit_iteration) * T);
      }
      // Per rank: a save into a slot this process has not mapped yet (its first save, and its
      // second unless it restored from that slot of its own memory) pays the page faults.
      std::vector<double> mem_s(static_cast<size_t>(R), 0.0);
      if (use_memory && ckpt) {
        ++memory_saves_in_generation;
        for (int r = 0; r < R; ++r) {
          const bool fresh = memory_saves_in_generation == 1 ||
                             (memory_saves_in_generation == 2 && !restored_own_memory[static_cast<size_t>(r)]);
          mem_s[static_cast<size_t>(r)] = fresh ? mem_fresh_s : mem_mapped_s;
        }
        memory_saves.insert(memory_saves.end(), mem_s.begin(), mem_s.end());
      }
      const std::vector<double> d_s = persist ? disk_round_s(g, it) : std::vector<double>(static_cast<size_t>(R), 0.0);
      if (persist) disk_saves.insert(disk_saves.end(), d_s.begin(), d_s.end());
      double slowest_store_s = 0;  // the next step's all-reduce waits for the slowest rank's save
      for (int r = 0; r < R; ++r) {
        const double store_s = mem_s[static_cast<size_t>(r)] + d_s[static_cast<size_t>(r)];
        stall.push_back(wait_s + copy_s + sum_s + store_s);
        if (use_memory) (persist ? stall_with_disk : stall_memory_only).push_back(stall.back());
        slowest_store_s = std::max(slowest_store_s, store_s);
      }
      const double slowest_mem_s = *std::max_element(mem_s.begin(), mem_s.end());
      copies.push_back(copy_s);
      sums.push_back(sum_s);
      total_stall_s += wait_s + copy_s + sum_s + slowest_store_s;
      if (use_memory && ckpt) frequent_stalls.push_back(wait_s + copy_s + sum_s + slowest_mem_s);
      for (RankState& r : ranks) {
        if (use_memory && ckpt) keep_two(r.memory, it);
        if (persist) keep_two(r.disk, it);
      }
      if (gemini && ckpt && holders > 0) {
        ++puts_in_generation;
        const double put = puts_in_generation <= 2 ? put_fresh_s : put_warm_s;
        for (int h = 0; h < holders; ++h) puts.push_back(put);
        last_background_s = holders * put;
        backgrounds.push_back(last_background_s);
        last_submit_iteration = static_cast<double>(it);
        // Held by the peer once acknowledged: before the failure, if there is time for it.
        const double until_failure_s = failed ? (static_cast<double>(end - it)) * T : 1e300;
        if (replication_start_delay_s + last_background_s <= until_failure_s) {
          for (RankState& r : ranks) keep_two(r.replica, it);
        }
      }
    }
    if (!failed) break;

    // ---- The failure: what each rank can load, the iteration all share, the tier. ----
    const MeasuredFailure& f = run.failures[g];
    std::set<int> lost_machines;
    if (f.kind == "machine") lost_machines.insert(f.targets.begin(), f.targets.end());
    for (int r = 0; r < R; ++r) {
      const int machine = r / rpm;
      if (lost_machines.count(machine)) ranks[static_cast<size_t>(r)].memory.clear();
      // The replica of rank r sits on the next machine(s) of its group: lost with them.
      if (gemini) {
        bool holder_alive = false;
        for (int h = 1; h <= holders; ++h) holder_alive |= !lost_machines.count((machine + h) % run.machines);
        if (!holder_alive) ranks[static_cast<size_t>(r)].replica.clear();
      }
    }
    std::set<int64_t> common;
    for (int r = 0; r < R; ++r) {
      const RankState& s = ranks[static_cast<size_t>(r)];
      std::set<int64_t> mine(s.memory.begin(), s.memory.end());
      mine.insert(s.disk.begin(), s.disk.end());
      mine.insert(s.replica.begin(), s.replica.end());
      if (r == 0) {
        common = mine;
      } else {
        std::set<int64_t> both;
        std::set_intersection(common.begin(), common.end(), mine.begin(), mine.end(), std::inserter(both, both.begin()));
        common = std::move(both);
      }
    }
    FailurePrediction p;
    p.resumed = common.empty() ? 0 : *common.rbegin();
    p.lost = f.iteration - p.resumed;
    std::vector<std::string> tier(static_cast<size_t>(R), "none");
    int n_peer = 0, n_disk = 0;
    if (!common.empty()) {
      for (int r = 0; r < R; ++r) {
        const RankState& s = ranks[static_cast<size_t>(r)];
        std::string& t = tier[static_cast<size_t>(r)];
        t = holds(s.memory, p.resumed) ? "memory" : holds(s.replica, p.resumed) ? "peer" : "disk";
        n_peer += t == "peer";
        n_disk += t == "disk";
        p.tiers[t] += 1;
      }
      p.tier = p.tiers.size() == 1 ? p.tiers.begin()->first : "mixed";
      // All ranks retrieve at once, the peer fetches with their holders' service threads.
      const double runnable = fetch_runnable(n_peer);
      const double c = share(runnable, C);
      const double verify_s = checksum_s(fetch_hashing(runnable));  // every tier verifies every tensor
      for (int r = 0; r < R; ++r) {
        const std::string& t = tier[static_cast<size_t>(r)];
        double s = verify_s;
        if (t == "memory") {
          s += c * k.shm_read_fresh.seconds(b);
        } else if (t == "peer") {
          s += peer_fetch_transfer_s(k, tcp_slowdown(runnable, C), c, b);
        } else {
          s += disk_recovery_read_s(k, n_disk, R - n_disk, b);
        }
        p.retrieval_s = std::max(p.retrieval_s, s);
      }
      p.load_s = restore_s(R + n_peer);
    }
    for (int r = 0; r < R; ++r) restored_own_memory[static_cast<size_t>(r)] = tier[static_cast<size_t>(r)] == "memory";
    predicted_failures.push_back(p);
    start = p.resumed;
  }

  // ---- Rows. ----
  const std::string cpu_note =
      measured_with(k.memcpy_concurrent, R)
          ? std::to_string(R) + " ranks at once: the concurrent copy/checksum benchmarks"
          : "CPU shared by " + std::to_string(R) + " ranks on " + std::to_string(C) + " CPUs: x" +
                std::to_string(c_save).substr(0, 4);
  const std::string stall_note =
      "capture copy + XXH64 + store" + std::string(gemini ? " + wait for the previous replication" : "") + "; " + cpu_note;
  out.rows.push_back(row("save_stall_s", "closed-form", run, stall, threshold_s, stall_note));
  // The memory strategies' saves that also write to disk stall several times longer than the
  // rest: where the run reports the two kinds apart, each is checked, and their mixture's
  // median (which falls between the two when they are about as many) is shown, not checked.
  const bool stalls_split = use_memory && run.phases.count("save_stall_memory_only_s") > 0;
  if (stalls_split) {
    out.rows.back().checked = false;
    out.rows.back().note = "both kinds of save below together (shown, not checked)";
    out.rows.push_back(row("save_stall_memory_only_s", "closed-form", run, stall_memory_only, threshold_s, stall_note));
    if (!stall_with_disk.empty() || run.phases.count("save_stall_with_disk_s")) {
      out.rows.push_back(row("save_stall_with_disk_s", "closed-form", run, stall_with_disk, threshold_s,
                             stall_note + " + the disk save"));
    }
  }
  out.rows.push_back(row("snapshot_copy_s", "closed-form", run, copies, threshold_s,
                         on_gpu ? "device-to-host into pinned memory, " + std::to_string(ranks_per_gpu) + " rank(s) through each GPU's link"
                                : std::string("host memcpy of the image")));
  out.rows.push_back(row("snapshot_checksum_s", "closed-form", run, sums, threshold_s,
                         "XXH64 of the image on " + std::to_string(threads) + " thread(s) per rank"));
  if (!memory_saves.empty()) {
    out.rows.push_back(row("save_memory_s", "closed-form", run, memory_saves, threshold_s,
                           std::string("copy into the shm slot, per rank: fresh mapping for a process's first save and its "
                                       "second unless it restored from its own memory") +
                               (measured_with(k.shm_write_fresh_concurrent, R) ? " (concurrent fresh writers)" : "") +
                               ", else memcpy"));
  }
  if (!disk_saves.empty()) {
    out.rows.push_back(row("save_disk_s", "closed-form", run, disk_saves, threshold_s,
                           "write + fsync + rename, " + std::to_string(R) + " ranks through one disk" +
                               (!measured_with(k.disk_write_concurrent, R) ? " (single-writer bandwidth shared)"
                                : disk_rounds_from_starts > 0
                                    ? " (concurrent-writers benchmark; finishing together after the run's measured write starts in " +
                                          std::to_string(disk_rounds_from_starts) + " of " + std::to_string(disk_rounds) + " saves)"
                                    : " (concurrent-writers benchmark)")));
  }
  if (gemini) {
    const std::string n = std::string(transfers_measured ? "concurrent loopback TCP + the receivers' XXH64 (+ fresh slot) sharing the CPUs"
                                                         : "loopback TCP + receiver XXH64 (+ fresh slot)") +
                          ", " + std::to_string(R) + " training + " + std::to_string(2 * R) + " transfer threads on " +
                          std::to_string(C) + " CPUs";
    out.rows.push_back(row("replicate_put_s", "closed-form", run, puts, threshold_s, n));
    out.rows.push_back(row("replication_background_s", "closed-form", run, backgrounds, threshold_s,
                           std::to_string(holders) + " holder(s) in turn"));
  }
  // Retrieval by tier, as real/ names it (mixed when ranks used different tiers).
  std::map<std::string, std::vector<double>> by_tier;
  std::vector<double> retrievals, loads, recoveries, lost_progress;
  std::string tier_notes;
  for (size_t i = 0; i < predicted_failures.size(); ++i) {
    const FailurePrediction& p = predicted_failures[i];
    const MeasuredFailure& f = run.failures[i];
    by_tier[p.tier].push_back(p.retrieval_s);
    retrievals.push_back(p.retrieval_s);
    loads.push_back(p.load_s);
    lost_progress.push_back(static_cast<double>(p.lost) * T);
    if (f.recovered) {
      recoveries.push_back(f.detection_s + f.teardown_s + f.restart_s + f.agree_s + p.retrieval_s + p.load_s);
      if (f.source_tier != p.tier || f.resumed_iteration != p.resumed) {
        out.notes.push_back("failure " + std::to_string(i) + " (" + f.kind + " at iteration " +
                            std::to_string(f.iteration) + "): predicted " + p.tier + " at " + std::to_string(p.resumed) +
                            ", measured " + f.source_tier + " at " + std::to_string(f.resumed_iteration));
      }
    }
  }
  for (const auto& [tier, v] : by_tier) {
    if (tier == "none") continue;
    std::string note = tier == "memory"   ? "fresh shm mapping + XXH64"
                       : tier == "peer"   ? std::string(k.tcp_fresh ? "loopback TCP, fresh mapping to new memory"
                                                                 : "loopback TCP from the holder + est. fault-in") + " + XXH64"
                       : tier == "disk"   ? "cold read, ranks through one disk + XXH64" +
                                                std::string(k.disk_read_concurrent.concurrency > 0
                                                                ? k.disk_read_concurrent.slowest
                                                                      ? " (the slowest of the concurrent readers when as many read)"
                                                                      : " (concurrent readers when as many read)"
                                                                : "")
                       : k.disk_read_beside_memory.concurrency > 0
                           ? "slowest rank of its tiers; disk readers at the beside-memory benchmark's rate where it "
                             "measured the same split"
                           : "slowest rank of its tiers";
    out.rows.push_back(row("recovery_retrieval_" + tier + "_s", "closed-form", run, v, threshold_s, note));
  }
  out.rows.push_back(row("recovery_retrieval_s", "closed-form", run, retrievals, threshold_s, "slowest rank"));
  if (by_tier.size() > 1) {  // a median over tiers that differ several-fold: each tier's row is checked
    out.rows.back().checked = false;
    out.rows.back().note = "slowest rank, every tier's recoveries together (shown, not checked: the rows by tier are)";
  }
  out.rows.push_back(row("recovery_load_s", "closed-form", run, loads, threshold_s,
                         on_gpu ? "restore: host-to-device copies, " + std::to_string(ranks_per_gpu) + " rank(s) through each GPU's link"
                                : "restore: memcpy into the model"));
  std::vector<double> detection, teardown, restart, agree;
  for (const MeasuredFailure& f : run.failures) {
    detection.push_back(f.detection_s);
    teardown.push_back(f.teardown_s);
    if (f.recovered) {
      restart.push_back(f.restart_s);
      agree.push_back(f.agree_s);
    }
  }
  out.rows.push_back(row("recovery_detection_s", "input", run, detection, threshold_s, "measured: kill to reaped"));
  out.rows.push_back(row("recovery_teardown_s", "input", run, teardown, threshold_s, "measured: killing the rest"));
  out.rows.push_back(row("recovery_restart_s", "input", run, restart, threshold_s, "measured: spawn to Gloo group ready"));
  out.rows.push_back(row("recovery_agree_s", "input", run, agree, threshold_s, "measured: choosing the iteration"));
  if (run.shutdown_s > 0) {
    PhaseRow r = row("shutdown_s", "input", run, {run.shutdown_s}, threshold_s,
                     "measured: last rank done to the launcher's report (process exit)");
    r.has_measured = true;
    r.measured = {run.shutdown_s, run.shutdown_s, run.shutdown_s, 1};
    out.rows.push_back(r);
  }
  out.rows.push_back(row("recovery_recovery_s", "closed-form", run, recoveries, threshold_s,
                         "inputs (detection, teardown, restart, agree) + predicted retrieval and load"));
  {
    // Lost progress: lost iterations x the measured mean step (the step itself is an input).
    std::vector<double> measured;
    for (const MeasuredFailure& f : run.failures) {
      if (f.recovered) measured.push_back(static_cast<double>(f.lost_iterations) * T);
    }
    PhaseRow r = row("lost_progress_s", "closed-form", run, lost_progress, threshold_s,
                     "lost iterations (predicted from the checkpoints each tier holds) x measured step");
    if (!measured.empty()) {
      r.has_measured = true;
      r.measured.median_s = quantile(measured, 0.5);
      r.measured.p10_s = quantile(measured, 0.1);
      r.measured.p90_s = quantile(measured, 0.9);
      r.measured.count = static_cast<int64_t>(measured.size());
      r.rel_error = r.measured.median_s > 0 ? (r.predicted_s - r.measured.median_s) / r.measured.median_s : 0;
      r.checked = r.measured.median_s > threshold_s;
    }
    out.rows.push_back(r);
  }
  {
    PhaseRow r = row("iteration_s", "input", run, {T}, threshold_s, "measured mean step (first steps included)");
    out.rows.push_back(r);
  }
  // Whole run: launch to gen 0 training (input) + steps x measured step + predicted stalls +
  // predicted recoveries (with their inputs).
  // Launch to gen 0 training: spawn to group ready (measured) + the agreement every generation
  // runs (measured at the failures; gen 0's is not in the run JSON): inputs.
  double agree_mean = 0;
  for (double a : agree) agree_mean += a / static_cast<double>(agree.size());
  const double train_start_s = run.generation_start_s.front() + run.generation_restart_s.front() + agree_mean;
  double recovery_sum = 0;
  for (double x : recoveries) recovery_sum += x;
  {
    const double whole =
        train_start_s + static_cast<double>(trained_iterations) * T + total_stall_s + recovery_sum + run.shutdown_s;
    PhaseRow r;
    r.phase = "whole_run_s";
    r.method = "closed-form";
    r.has_measured = true;
    r.measured = {run.wall_s, run.wall_s, run.wall_s, 1};
    r.predicted_s = r.predicted_p10_s = r.predicted_p90_s = whole;
    r.rel_error = (whole - run.wall_s) / run.wall_s;
    r.checked = run.wall_s > threshold_s;
    r.note = "start-up (input " + std::to_string(train_start_s).substr(0, 5) + " s) + " +
             std::to_string(trained_iterations) + " steps x measured step + predicted stalls + recoveries + " +
             (run.shutdown_s > 0 ? "process exit (input " + std::to_string(run.shutdown_s).substr(0, 5) + " s)"
                                 : std::string("process exit not in this run JSON, not counted"));
    out.rows.push_back(r);
  }

  if (engine) {
    EnginePlanInputs& e = *engine;
    e.step_s = T;
    e.train_start_s = train_start_s;
    if (run.strategy == "disk") {
      e.persistent_stall_s = mean_or(stall, 0);
    } else {
      e.save_stall_s = mean_or(frequent_stalls, 0);
      // The disk saves as the closed form predicted them.
      e.persistent_stall_s = run.persistent_interval > 0 ? mean_or(disk_saves, disk_s) : 0.0;
    }
    e.replication_s = backgrounds.empty() ? 0 : replication_start_delay_s + mean_or(backgrounds, 0);
    double det = 0, warm = 0;
    int nrec = 0;
    for (const MeasuredFailure& f : run.failures) {
      det += f.detection_s + f.teardown_s;
      if (f.recovered) warm += f.restart_s + f.agree_s, ++nrec;
    }
    e.detection_s = run.failures.empty() ? 0 : det / static_cast<double>(run.failures.size());
    const double c = share(R, C);
    e.warmup_s = (nrec ? warm / nrec : 0) + restore_s(R);
    // Per machine (rpm images), verification folded into the byte cost: XXH64 on t threads.
    const double checksum_s_per_byte = share(static_cast<double>(R) * threads, C) / (threads * k.checksum.bandwidth_bytes_per_s);
    e.memory_restore_alpha_s = c * k.shm_read_fresh.alpha_s + share(static_cast<double>(R) * threads, C) * k.checksum.alpha_s / threads;
    e.memory_restore_bytes_per_s = rpm / (c / k.shm_read_fresh.bandwidth_bytes_per_s + checksum_s_per_byte);
    const double runnable_peer = fetch_runnable(rpm);  // one machine's ranks fetch
    const double cp = share(fetch_hashing(runnable_peer), C);  // checksums on t threads per rank
    const LinearCost& fetch = k.tcp_fresh ? *k.tcp_fresh : k.tcp;  // the engine's links: no fault estimate
    e.peer_alpha_s = tcp_slowdown(runnable_peer, C) * fetch.alpha_s;
    e.peer_bytes_per_s = rpm / (tcp_slowdown(runnable_peer, C) / fetch.bandwidth_bytes_per_s +
                                cp / (threads * k.checksum.bandwidth_bytes_per_s));
    // Failures at their measured iterations, on the engine's clock.
    double t = 0;
    int64_t from = 0;
    for (size_t g = 0; g < run.failures.size(); ++g) {
      const int64_t to = run.failures[g].iteration;
      for (int64_t i = from + 1; i <= to; ++i) {
        t += T;
        if (i == to) break;  // killed right after this iteration, before its save
        const bool ck = i % run.interval == 0;
        if (run.strategy == "disk") {
          if (ck) t += e.persistent_stall_s;
        } else {
          if (ck) t += e.save_stall_s;
          if (run.persistent_interval > 0 && i % run.persistent_interval == 0) t += e.persistent_stall_s;
        }
      }
      t += 1e-3 * T;  // inside the next iteration
      e.failure_at_s.push_back(t);
      t += e.detection_s + predicted_failures[g].retrieval_s + e.warmup_s;
      from = predicted_failures[g].resumed;
    }
    // The engine shares the disk's bandwidth among the R readers: the concurrent benchmark's
    // aggregate (R x per reader) when it ran with R.
    const bool concurrent_read = measured_with(k.disk_read_concurrent, R);
    const LinearCost& read = concurrent_read ? k.disk_read_concurrent.each : k.disk_read;
    const double disk_aggregate_bytes_per_s = read.bandwidth_bytes_per_s * (concurrent_read ? R : 1);
    e.disk_read_alpha_s = read.alpha_s;
    e.disk_read_bytes_per_s = 1 / (1 / disk_aggregate_bytes_per_s + checksum_s_per_byte / R);
  }
  return out;
}

}  // namespace gemini::compare
