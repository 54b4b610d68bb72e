// Closed-form predictions of a real/ run's phases from a calibrated host profile.
//
// The model follows what real/ does (real/src/rank_worker.cpp, memory_store.cpp, disk_store.cpp,
// replica.cpp); docs/VALIDATION.md states it in prose. compare_costs.cpp prices each save,
// retrieval and replication (how the run's ranks share this one host's CPUs, disk and loopback
// is in compare_sharing.hpp); compare_replay.cpp replays the run's saves and failures with those
// costs; here the predictions become the rows compare prints and the engine's inputs. On a GPU
// (a cuda run) the ranks on one GPU (all R of them on a one-GPU host; real/ spreads "cuda" ranks
// over the GPUs, run.gpus_used) share its PCIe link for their snapshot copies (device to pinned
// host buffer) and restores (back), which happen at once.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "compare_costs.hpp"
#include "compare_replay.hpp"
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

// Launch to gen 0 training: spawn to group ready (measured) + the agreement every generation
// runs (measured at the failures; gen 0's is not in the run JSON): inputs.
double train_start_s(const MeasuredRun& run) {
  std::vector<double> agree;
  for (const MeasuredFailure& f : run.failures) {
    if (f.recovered) agree.push_back(f.agree_s);
  }
  double agree_mean = 0;
  for (double a : agree) agree_mean += a / static_cast<double>(agree.size());
  return run.generation_start_s.front() + run.generation_restart_s.front() + agree_mean;
}

// Each recovered failure's recovery: its measured inputs (detection, teardown, restart, agree)
// + the predicted retrieval and load.
std::vector<double> predicted_recoveries_s(const MeasuredRun& run, const Replay& replay) {
  std::vector<double> out;
  for (size_t i = 0; i < replay.failures.size(); ++i) {
    const FailurePrediction& p = replay.failures[i];
    const MeasuredFailure& f = run.failures[i];
    if (f.recovered) out.push_back(f.detection_s + f.teardown_s + f.restart_s + f.agree_s + p.retrieval_s + p.load_s);
  }
  return out;
}

// The saves: the stall (the memory strategies' two kinds apart), its parts, the stores and
// gemini's replication.
void add_save_rows(RunComparison& out, const RunCosts& c, const Replay& p, double threshold_s) {
  const MeasuredRun& run = c.run;
  const HostCosts& k = c.k;
  const int R = c.ranks, C = c.cpus;
  const bool use_memory = c.use_memory, gemini = c.gemini;
  const std::string cpu_note =
      measured_with(k.memcpy_concurrent, R)
          ? std::to_string(R) + " ranks at once: the concurrent copy/checksum benchmarks"
          : "CPU shared by " + std::to_string(R) + " ranks on " + std::to_string(C) + " CPUs: x" +
                std::to_string(c.save_share).substr(0, 4);
  const std::string stall_note =
      "capture copy + XXH64 + store" + std::string(gemini ? " + wait for the previous replication" : "") + "; " + cpu_note;
  out.rows.push_back(row("save_stall_s", "closed-form", run, p.stall, threshold_s, stall_note));
  // The memory strategies' saves that also write to disk stall several times longer than the
  // rest: where the run reports the two kinds apart, each is checked, and their mixture's
  // median (which falls between the two when they are about as many) is shown, not checked.
  const bool stalls_split = use_memory && run.phases.count("save_stall_memory_only_s") > 0;
  if (stalls_split) {
    out.rows.back().checked = false;
    out.rows.back().note = "both kinds of save below together (shown, not checked)";
    out.rows.push_back(row("save_stall_memory_only_s", "closed-form", run, p.stall_memory_only, threshold_s, stall_note));
    if (!p.stall_with_disk.empty() || run.phases.count("save_stall_with_disk_s")) {
      out.rows.push_back(row("save_stall_with_disk_s", "closed-form", run, p.stall_with_disk, threshold_s,
                             stall_note + " + the disk save"));
    }
  }
  out.rows.push_back(row("snapshot_copy_s", "closed-form", run, p.copies, threshold_s,
                         c.on_gpu ? "device-to-host into pinned memory, " + std::to_string(c.ranks_per_gpu) + " rank(s) through each GPU's link"
                                : std::string("host memcpy of the image")));
  out.rows.push_back(row("snapshot_checksum_s", "closed-form", run, p.sums, threshold_s,
                         "XXH64 of the image on " + std::to_string(c.threads) + " thread(s) per rank"));
  std::vector<double> memory_saves = p.memory_saves_untouched_slot;
  memory_saves.insert(memory_saves.end(), p.memory_saves_touched_slot.begin(), p.memory_saves_touched_slot.end());
  if (!memory_saves.empty()) {
    const std::string fresh_note = std::string("fresh mapping") +
                                   (measured_with(k.shm_write_fresh_concurrent, R) ? " (concurrent fresh writers)" : "");
    out.rows.push_back(row("save_memory_s", "closed-form", run, memory_saves, threshold_s,
                           "copy into the shm slot, per rank: " + fresh_note +
                               " for a process's first save and its second unless it restored from its own memory, "
                               "else memcpy"));
    // The two kinds differ several-fold, and the median of their mixture falls wherever the
    // kinds' counts split it: where the run reports them apart, each is checked instead.
    if (run.phases.count("save_memory_untouched_slot_s") || run.phases.count("save_memory_touched_slot_s")) {
      out.rows.back().checked = false;
      out.rows.back().note = "both kinds of memory save below together (shown, not checked)";
      out.rows.push_back(row("save_memory_untouched_slot_s", "closed-form", run, p.memory_saves_untouched_slot, threshold_s,
                             "into a slot the process had not touched: " + fresh_note));
      out.rows.push_back(row("save_memory_touched_slot_s", "closed-form", run, p.memory_saves_touched_slot, threshold_s,
                             "into a slot the process wrote or restored from: memcpy"));
    }
  }
  if (!p.disk_saves.empty()) {
    out.rows.push_back(row("save_disk_s", "closed-form", run, p.disk_saves, threshold_s,
                           "write + fsync + rename, " + std::to_string(R) + " ranks through one disk" +
                               (!measured_with(k.disk_write_concurrent, R) ? " (single-writer bandwidth shared)"
                                : p.disk_rounds_from_starts > 0
                                    ? " (concurrent-writers benchmark; finishing together after the run's measured write starts in " +
                                          std::to_string(p.disk_rounds_from_starts) + " of " + std::to_string(p.disk_rounds) + " saves)"
                                    : " (concurrent-writers benchmark)")));
  }
  if (gemini) {
    const std::string n = std::string(c.transfers_measured ? "concurrent loopback TCP + the receivers' XXH64 (+ fresh slot) sharing the CPUs"
                                                         : "loopback TCP + receiver XXH64 (+ fresh slot)") +
                          ", " + std::to_string(R) + " training + " + std::to_string(2 * R) + " transfer threads on " +
                          std::to_string(C) + " CPUs";
    out.rows.push_back(row("replicate_put_s", "closed-form", run, p.puts, threshold_s, n));
    out.rows.push_back(row("replication_background_s", "closed-form", run, p.backgrounds, threshold_s,
                           std::to_string(c.holders) + " holder(s) in turn"));
  }
}

// How the own-memory retrievals (`count` recoveries, `by_layout` of them charged for the layout
// their ranks began in) were predicted.
std::string own_memory_note(const RunCosts& c, int by_layout, size_t count) {
  const std::string concurrent = "the slowest of the concurrent memory retrievals";
  const std::string pinned = " pinned as the ranks began (memory-retrieval-busiest)";
  if (by_layout > 0 && static_cast<size_t>(by_layout) == count) return concurrent + "," + pinned;
  const std::string unpinned = c.own_memory_retrievals_measured() ? concurrent : "fresh shm mapping + XXH64";
  if (by_layout == 0) return unpinned;
  return unpinned + "; in " + std::to_string(by_layout) + " of " + std::to_string(count) + " recoveries " + concurrent +
         pinned;
}

// The recoveries: retrieval by tier, load, the measured inputs, the totals, lost progress.
void add_recovery_rows(RunComparison& out, const RunCosts& c, const Replay& replay,
                       const std::vector<double>& recoveries_s, double threshold_s) {
  const MeasuredRun& run = c.run;
  const HostCosts& k = c.k;
  const double T = run.step_mean_s;
  // Retrieval by tier, as real/ names it (mixed when ranks used different tiers).
  std::map<std::string, std::vector<double>> by_tier;
  std::vector<double> retrievals, loads, lost_progress;
  int by_layout = 0;  // own-memory retrievals charged for the layout their ranks began in
  for (size_t i = 0; i < replay.failures.size(); ++i) {
    const FailurePrediction& p = replay.failures[i];
    const MeasuredFailure& f = run.failures[i];
    by_tier[p.tier].push_back(p.retrieval_s);
    by_layout += p.retrieval_by_layout;
    retrievals.push_back(p.retrieval_s);
    loads.push_back(p.load_s);
    lost_progress.push_back(static_cast<double>(p.lost) * T);
    if (f.recovered && (f.source_tier != p.tier || f.resumed_iteration != p.resumed)) {
      out.notes.push_back("failure " + std::to_string(i) + " (" + f.kind + " at iteration " +
                          std::to_string(f.iteration) + "): predicted " + p.tier + " at " + std::to_string(p.resumed) +
                          ", measured " + f.source_tier + " at " + std::to_string(f.resumed_iteration));
    }
  }
  for (const auto& [tier, v] : by_tier) {
    if (tier == "none") continue;
    std::string note = tier == "memory"   ? own_memory_note(c, by_layout, v.size())
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
                         c.on_gpu ? "restore: host-to-device copies, " + std::to_string(c.ranks_per_gpu) + " rank(s) through each GPU's link"
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
  out.rows.push_back(row("recovery_recovery_s", "closed-form", run, recoveries_s, threshold_s,
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
}

// The measured step (an input) and the whole run.
void add_whole_run_rows(RunComparison& out, const MeasuredRun& run, const Replay& p, double start_s,
                        const std::vector<double>& recoveries_s, double threshold_s) {
  const double T = run.step_mean_s;
  out.rows.push_back(row("iteration_s", "input", run, {T}, threshold_s, "measured mean step (first steps included)"));
  // Whole run: launch to gen 0 training (input) + steps x measured step + predicted stalls +
  // predicted recoveries (with their inputs).
  double recovery_sum = 0;
  for (double x : recoveries_s) recovery_sum += x;
  {
    const double whole =
        start_s + static_cast<double>(p.trained_iterations) * T + p.total_stall_s + recovery_sum + run.shutdown_s;
    PhaseRow r;
    r.phase = "whole_run_s";
    r.method = "closed-form";
    r.has_measured = true;
    r.measured = {run.wall_s, run.wall_s, run.wall_s, 1};
    r.predicted_s = r.predicted_p10_s = r.predicted_p90_s = whole;
    r.rel_error = (whole - run.wall_s) / run.wall_s;
    r.checked = run.wall_s > threshold_s;
    r.note = "start-up (input " + std::to_string(start_s).substr(0, 5) + " s) + " +
             std::to_string(p.trained_iterations) + " steps x measured step + predicted stalls + recoveries + " +
             (run.shutdown_s > 0 ? "process exit (input " + std::to_string(run.shutdown_s).substr(0, 5) + " s)"
                                 : std::string("process exit not in this run JSON, not counted"));
    out.rows.push_back(r);
  }
}

// What the SimGrid engine needs to replay the run: the predicted costs per save, recovery
// and byte, and the failures at their measured iterations on the engine's clock.
void fill_engine_inputs(EnginePlanInputs& e, const RunCosts& costs, const Replay& p, double start_s) {
  const MeasuredRun& run = costs.run;
  const HostCosts& k = costs.k;
  const int R = costs.ranks, C = costs.cpus, rpm = run.ranks_per_machine;
  const double T = run.step_mean_s;
  e.step_s = T;
  e.train_start_s = start_s;
  if (run.strategy == "disk") {
    e.persistent_stall_s = mean_or(p.stall, 0);
  } else {
    e.save_stall_s = mean_or(p.frequent_stalls, 0);
    // The disk saves as the closed form predicted them.
    e.persistent_stall_s = run.persistent_interval > 0 ? mean_or(p.disk_saves, costs.disk_s) : 0.0;
  }
  e.replication_s = p.backgrounds.empty() ? 0 : replication_start_delay_s(run) + mean_or(p.backgrounds, 0);
  double det = 0, warm = 0;
  int nrec = 0;
  for (const MeasuredFailure& f : run.failures) {
    det += f.detection_s + f.teardown_s;
    if (f.recovered) warm += f.restart_s + f.agree_s, ++nrec;
  }
  e.detection_s = run.failures.empty() ? 0 : det / static_cast<double>(run.failures.size());
  const double c = costs.save_share;  // every rank at once
  e.warmup_s = (nrec ? warm / nrec : 0) + costs.restore_s(R);
  // Per machine (rpm images), verification folded into the byte cost: XXH64 on t threads.
  const double hashing_share = share(static_cast<double>(R) * costs.threads, C);
  const double checksum_s_per_byte = hashing_share / (costs.threads * k.checksum.bandwidth_bytes_per_s);
  e.memory_restore_alpha_s = c * k.shm_read_fresh.alpha_s + hashing_share * k.checksum.alpha_s / costs.threads;
  e.memory_restore_bytes_per_s = rpm / (c / k.shm_read_fresh.bandwidth_bytes_per_s + checksum_s_per_byte);
  const double runnable_peer = costs.fetch_runnable(rpm);  // one machine's ranks fetch
  const double cp = share(costs.fetch_hashing(runnable_peer), C);  // checksums on t threads per rank
  const LinearCost& fetch = k.tcp_fresh ? *k.tcp_fresh : k.tcp;  // the engine's links: no fault estimate
  e.peer_alpha_s = tcp_slowdown(runnable_peer, C) * fetch.alpha_s;
  e.peer_bytes_per_s = rpm / (tcp_slowdown(runnable_peer, C) / fetch.bandwidth_bytes_per_s +
                              cp / (costs.threads * k.checksum.bandwidth_bytes_per_s));
  // Failures at their measured iterations, on the engine's clock.
  double t = 0;
  int64_t from = 0;
  for (size_t g = 0; g < run.failures.size(); ++g) {
    const int64_t to = run.failures[g].iteration;
    for (int64_t i = from + 1; i <= to; ++i) {
      t += T;
      if (i == to) break;  // killed right after this iteration, before its save
      t = plus_saves_after_s(t, i, run, e);
    }
    t += 1e-3 * T;  // inside the next iteration
    e.failure_at_s.push_back(t);
    t += e.detection_s + p.failures[g].retrieval_s + e.warmup_s;
    from = p.failures[g].resumed;
  }
  // The engine shares the disk's bandwidth among the R readers: the concurrent benchmark's
  // aggregate (R x per reader) when it ran with R.
  const bool concurrent_read = measured_with(k.disk_read_concurrent, R);
  const LinearCost& read = concurrent_read ? k.disk_read_concurrent.each : k.disk_read;
  const double disk_aggregate_bytes_per_s = read.bandwidth_bytes_per_s * (concurrent_read ? R : 1);
  e.disk_read_alpha_s = read.alpha_s;
  e.disk_read_bytes_per_s = 1 / (1 / disk_aggregate_bytes_per_s + checksum_s_per_byte / R);
}

}  // namespace

RunComparison predict_closed_form(const MeasuredRun& run, const HostCosts& k, double threshold_s,
                                  EnginePlanInputs* engine, DiskOverlap disk_overlap) {
  RunComparison out;
  out.path = run.path;
  out.label = run.preset + "/" + run.strategy;
  const RunCosts costs(run, k, disk_overlap);
  const Replay replay = replay_run(costs);
  add_save_rows(out, costs, replay, threshold_s);
  const std::vector<double> recoveries_s = predicted_recoveries_s(run, replay);
  const double start_s = train_start_s(run);
  add_recovery_rows(out, costs, replay, recoveries_s, threshold_s);
  add_whole_run_rows(out, run, replay, start_s, recoveries_s, threshold_s);
  if (engine) fill_engine_inputs(*engine, costs, replay, start_s);
  return out;
}

}  // namespace gemini::compare
