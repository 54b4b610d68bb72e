// The SimGrid side of `gemini-sim compare`: a Scenario matching a measured run, plans whose
// costs come from the closed-form model, one trial replaying the run's failures.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gemini/compare.hpp"
#include "gemini/placement.hpp"
#include "gemini/scenario.hpp"
#include "gemini/simulation.hpp"
#include "gemini/strategy.hpp"

namespace gemini::compare {
namespace {

// Time at which iteration `target` is done, continuing from (t, it) without failures.
double finish_from(double t, int64_t it, int64_t target, const MeasuredRun& run, const EnginePlanInputs& in) {
  for (int64_t i = it + 1; i <= target; ++i) {
    t += in.step_s;
    t = plus_saves_after_s(t, i, run, in);
  }
  return t;
}

}  // namespace

double plus_saves_after_s(double t, int64_t iteration, const MeasuredRun& run, const EnginePlanInputs& in) {
  const bool ckpt = iteration % run.interval == 0;
  if (run.strategy == "disk") {
    if (ckpt) t += in.persistent_stall_s;
  } else {
    if (ckpt) t += in.save_stall_s;
    if (run.persistent_interval > 0 && iteration % run.persistent_interval == 0) t += in.persistent_stall_s;
  }
  return t;
}

EngineOutcome simulate_run(const MeasuredRun& run, const EnginePlanInputs& in) {
  EngineOutcome out;
  Scenario s;
  s.file = run.path;
  s.name = "compare:" + run.preset + "/" + run.strategy;
  s.machines = run.machines;
  // The host as the engine's machine: "PCIe" is the path from CPU memory into the rank
  // (fresh shm mapping + XXH64), the NIC is loopback TCP; both per machine (rpm ranks).
  HardwareProfile& hw = s.hardware;
  hw.name = "calibrated host";
  hw.source = "gemini-sim compare";
  hw.gpus_per_machine = run.ranks_per_machine;
  hw.gpu_to_cpu = {in.memory_restore_alpha_s, in.memory_restore_bytes_per_s};
  hw.network = {in.peer_alpha_s, in.peer_bytes_per_s};
  hw.network_latency_s = 0;
  hw.local_disk_write = {0, 1e12};
  hw.local_disk_read = {in.disk_read_alpha_s, in.disk_read_bytes_per_s};
  hw.serialize_bytes_per_s = 1e12;
  // The shared disk all ranks write to survives a lost machine: the engine's persistent storage.
  s.storage.bandwidth_bytes_per_s = in.disk_read_bytes_per_s;
  s.storage.latency_s = in.disk_read_alpha_s;
  s.iteration_time_s = in.step_s;
  s.recovery.detection_s = in.detection_s;
  s.recovery.replacement_min_s = s.recovery.replacement_max_s = 0;  // the launcher restarts at once
  s.recovery.standby_machines = run.machines;
  s.recovery.warmup_s = in.warmup_s;
  // Generous horizon: the end is read from the last recovery (below), not from the horizon.
  s.horizon_s = 2.0 * run.wall_s + 10.0 * run.iterations * in.step_s + 60.0;
  for (size_t i = 0; i < run.failures.size(); ++i) {
    const MeasuredFailure& f = run.failures[i];
    ExplicitFailure e;
    e.at_s = i < in.failure_at_s.size() ? in.failure_at_s[i] : std::max(0.0, f.time_s - in.train_start_s);
    if (f.kind == "machine") {
      e.kind = FailureKind::hardware;
      e.machines = f.targets;
    } else {
      e.kind = FailureKind::software;
      e.machines = {f.targets.empty() ? 0 : f.targets.front() / std::max(1, run.ranks_per_machine)};
    }
    for (int& m : e.machines) m = std::clamp(m, 0, run.machines - 1);
    s.failures.events.push_back(e);
  }
  StrategySpec spec;
  spec.name = run.strategy;
  s.strategies.push_back(spec);

  // Per machine: rpm images.
  const double shard = run.ranks_per_machine * run.image_bytes;
  StrategyPlan p;
  p.name = run.strategy;
  p.shard_bytes = shard;
  p.compute_iteration_s = p.iteration_s = in.step_s;
  if (run.strategy == "disk") {
    p.kind = StrategyKind::strawman;
    p.persistent_interval_iterations = run.interval;
    p.persistent_stall_s = in.persistent_stall_s;
    p.persistent_upload_s = 0;  // real/ writes synchronously: complete when the stall ends
    p.checkpoint_time_s = in.persistent_stall_s;
    p.checkpoint_interval_iterations = run.interval;
  } else {
    p.kind = StrategyKind::gemini;
    p.frequent_tier = FrequentTier::cpu_memory;
    p.frequent_interval_iterations = run.interval;
    p.frequent_stall_s = std::max(in.save_stall_s, 1e-9);  // a blocking save: explicit stops
    p.frequent_completion_s = run.strategy == "gemini" ? in.replication_s : 0.0;
    if (run.strategy == "gemini" && run.replicas > 1) {
      p.holders = replica_holders(run.machines, run.replicas, run.placement == "ring" ? Placement::ring : Placement::group);
    } else {
      for (int m = 0; m < run.machines; ++m) p.holders.push_back({m});
    }
    if (run.persistent_interval > 0) {
      p.persistent_interval_iterations = run.persistent_interval;
      p.persistent_stall_s = in.persistent_stall_s;
    }
    p.checkpoint_time_s = in.save_stall_s + p.frequent_completion_s;
    p.checkpoint_interval_iterations = run.interval;
  }
  const std::vector<StrategyPlan> plans{p};
  std::vector<StrategyTimeline> timelines;
  const TrialResult trial = run_trial(s, 0, &timelines, &plans);
  const StrategyOutcome& o = trial.strategies.at(0).outcome;
  out.recovery_total_s = o.at(TimeCause::detection) + o.at(TimeCause::replacement) + o.at(TimeCause::retrieval) +
                         o.at(TimeCause::warmup);
  out.retrieval_total_s = o.at(TimeCause::retrieval);
  out.lost_progress_s = o.lost_progress_s;
  out.failures = o.failures;
  // The end: from the last recovery (or the start), the rest of the run is failure-free.
  double t = 0;
  int64_t it = 0;
  double stall_before = 0;
  for (const TimelineMark& m : timelines.at(0).marks) {
    if (m.name != "recovered") continue;
    const auto pos = m.detail.find("source=");
    if (pos != std::string::npos) {
      const auto end = m.detail.find(' ', pos);
      out.sources.push_back(m.detail.substr(pos + 7, end == std::string::npos ? std::string::npos : end - pos - 7));
    }
    const auto r = m.detail.find("restored_iteration=");
    if (r == std::string::npos) continue;
    t = m.time_s;
    it = std::stoll(m.detail.substr(r + 19));
  }
  for (const TimelineSpan& sp : timelines.at(0).spans) {
    if (sp.name == "checkpoint_stall" && sp.end_s <= t) stall_before += sp.end_s - sp.start_s;
  }
  out.time_to_end_s = finish_from(t, it, run.iterations, run, in);
  out.stall_total_s = stall_before + (finish_from(0, it, run.iterations, run, in) -
                                      static_cast<double>(run.iterations - it) * in.step_s);
  out.train_start_s = in.train_start_s;
  out.ok = true;
  return out;
}

void add_engine_rows(const MeasuredRun& run, const EngineOutcome& e, double threshold_s, RunComparison* out) {
  auto add = [&](const std::string& phase, double measured, double predicted, const std::string& note) {
    PhaseRow r;
    r.phase = phase;
    r.method = "engine";
    r.has_measured = true;
    r.measured = {measured, measured, measured, 1};
    r.predicted_s = r.predicted_p10_s = r.predicted_p90_s = predicted;
    r.rel_error = measured > 0 ? (predicted - measured) / measured : 0;
    r.checked = measured > threshold_s;
    r.note = note;
    out->rows.push_back(r);
  };
  if (!e.ok) {
    out->notes.push_back("engine: " + e.error);
    return;
  }
  double recovery = 0, lost = 0;
  for (const MeasuredFailure& f : run.failures) {
    if (!f.recovered) continue;
    recovery += f.recovery_s;
    lost += static_cast<double>(f.lost_iterations) * run.step_mean_s;
  }
  add("engine_whole_run_s", run.wall_s, e.train_start_s + e.time_to_end_s + run.shutdown_s,
      "SimGrid job actor, the failures at their measured iterations; + start-up and process exit (inputs)");
  add("engine_recovery_total_s", recovery, e.recovery_total_s,
      "sum over failures: detection + restart inputs, simulated retrieval flows, predicted restore");
  add("engine_lost_progress_total_s", lost, e.lost_progress_s,
      "sum over failures, engine's rollback x measured step");
  std::string sources;
  for (const auto& x : e.sources) sources += (sources.empty() ? "" : ", ") + x;
  out->notes.push_back("engine recovery sources: " + (sources.empty() ? std::string("none") : sources));
}

}  // namespace gemini::compare
