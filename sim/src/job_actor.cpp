// The training job of one strategy: train, checkpoint, fail, recover, account every second.
#include "gemini/job_actor.hpp"

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "gemini/periodic_checkpoints.hpp"
#include "gemini/transfers.hpp"

namespace sg4 = simgrid::s4u;

namespace gemini {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

struct Checkpoint {
  bool valid = false;
  int64_t iteration = 0;
  double complete_s = 0;  // job-relative time it became complete
};

// The failure (or failures, when more arrive during recovery) being recovered from.
struct Incident {
  std::set<int> hardware;  // machines lost with their memory and disks
  std::set<int> replaced;  // lost machines whose replacement has arrived
  double replacement_delay_s = 0;
  double network_back_s = 0;  // job time when a failed link or switch is back
};

class JobRun {
 public:
  JobRun(const Scenario& s, const Platform& p, const StrategyPlan& plan, const std::vector<FailureEvent>& trace,
         StrategyTimeline* timeline)
      : s_(s), platform_(p), plan_(plan), trace_(trace), timeline_(timeline), periodic_(periodic_tier(plan)),
        t0_(sg4::Engine::get_clock()),
        joined_s_(s.machines, 0.0), standby_ready_s_(s.recovery.standby_machines, 0.0) {}

  StrategyOutcome run() {
    start_stretch();
    while (!ended_) {
      const double progress = train();
      if (ended_) {
        out_.final_iteration = static_cast<int64_t>(progress);
        break;
      }
      recover(progress);
    }
    out_.final_iteration = std::max(out_.final_iteration, iteration_);
    for (auto& u : uploads_) wait_flows(u.second, 0);  // the run is over: drop uploads in flight
    return out_;
  }

 private:
  double now() const { return sg4::Engine::get_clock() - t0_; }
  double next_failure_s() const { return next_event_ < trace_.size() ? trace_[next_event_].time_s : kNever; }
  double stop_s() const { return std::min(next_failure_s(), s_.horizon_s); }

  // Spends up to `seconds` in `cause`; stops early at the next failure or at the horizon (then
  // `ended_` is set). Returns true when the whole span was spent.
  bool advance(double seconds, TimeCause cause) {
    const double start = now();
    const double target = start + seconds;
    const double stop = std::min(target, stop_s());
    if (stop > start) sg4::this_actor::sleep_until(t0_ + stop);
    out_.at(cause) += std::max(0.0, stop - start);
    if (timeline_) timeline_->add_span(start, stop, to_string(cause));
    return finished_span(stop, target);
  }

  // After stopping at `stop` on the way to `target`: did the span complete? Marks the horizon.
  bool finished_span(double stop, double target) {
    if (stop >= target) return true;
    if (next_failure_s() > stop) ended_ = true;  // not a failure: the horizon
    return false;
  }

  // Trains until a failure or the horizon; returns the (fractional) iteration reached.
  double train() {
    if (periodic_.interval > 0) return train_periodic();
    const double T = plan_.iteration_s;
    const double compute_share = plan_.compute_iteration_s / T;
    for (;;) {
      const int64_t target = std::min(next_boundary(stalled_frequent_interval()),
                                      next_boundary(plan_.persistent_interval_iterations));
      const double want_s = target == kNoBoundary ? kNever : (target - iteration_) * T;
      const double before = now();
      const bool reached = advance_compute(want_s, compute_share);
      if (!reached) return iteration_ + (now() - before) / T;
      iteration_ = target;
      if (!checkpoint_at_boundary()) return iteration_;
    }
  }

  // One periodic blocking tier whose checkpoints never overlap (strawman, highfreq, seed-disk):
  // sleep straight to the next failure or the horizon and place iterations, stalls and the
  // last complete checkpoint in closed form (periodic_checkpoints.hpp).
  static PeriodicStretch periodic_tier(const StrategyPlan& plan) {
    PeriodicStretch p;
    p.iteration_s = plan.iteration_s;
    const bool stalled_frequent = plan.frequent_stall_s > 0 && plan.frequent_interval_iterations > 0;
    const int64_t kp = plan.persistent_interval_iterations;
    if (stalled_frequent && kp == 0 && plan.frequent_tier == FrequentTier::local_disk) {
      p.interval = plan.frequent_interval_iterations;
      p.stall_s = plan.frequent_stall_s;
      p.completion_s = plan.frequent_completion_s;
    } else if (!stalled_frequent && kp > 0 &&
               plan.persistent_upload_s <= kp * plan.iteration_s + plan.persistent_stall_s) {
      p.interval = kp;
      p.stall_s = plan.persistent_stall_s;
      p.completion_s = plan.persistent_upload_s;
    } else {
      p.interval = 0;  // explicit stops at every checkpoint
    }
    return p;
  }

  double train_periodic() {
    PeriodicStretch p = periodic_;
    p.start_s = now();
    p.start_iteration = iteration_;
    const double stop = stop_s();
    if (stop > now()) sg4::this_actor::sleep_until(t0_ + stop);
    if (next_failure_s() > stop) ended_ = true;
    const PeriodicStretch::State st = p.at(stop);
    const double working_s = (stop - p.start_s) - st.stall_s;
    const double compute_share = plan_.compute_iteration_s / plan_.iteration_s;
    out_.at(TimeCause::compute) += working_s * compute_share;
    out_.at(TimeCause::checkpoint_stall) += working_s * (1 - compute_share) + st.stall_s;
    if (timeline_) record_periodic_timeline(p, stop);
    if (st.has_complete) {
      Checkpoint& tier = plan_.persistent_interval_iterations > 0 ? persistent_ : frequent_;
      tier = {true, st.complete_iteration, st.complete_s};
    }
    iteration_ = static_cast<int64_t>(std::floor(st.progress + 1e-9));
    return st.progress;
  }

  void record_periodic_timeline(const PeriodicStretch& p, double stop) {
    double t = p.start_s;
    for (int64_t b = p.first_boundary(); t < stop; b += p.interval) {
      const double end = std::min(stop, p.boundary_end_s(b));
      timeline_->add_span(t, end, to_string(TimeCause::compute));
      if (end >= stop) break;
      timeline_->add_span(end, std::min(stop, end + p.stall_s), to_string(TimeCause::checkpoint_stall));
      if (p.interval == plan_.persistent_interval_iterations) {
        timeline_->add_mark(end + p.stall_s, "persistent-checkpoint", "iteration=" + std::to_string(b));
      }
      t = end + p.stall_s;
    }
  }

  bool advance_compute(double seconds, double compute_share) {
    const double before = now();
    // With no boundary ahead (seconds == kNever) advance to "never": it stops at the next failure
    // or at the horizon and, unlike a span of exactly stop_s() - now(), marks the horizon as the
    // end (ended_). The old `advance(stop_s() - now())` counted that span as complete, so the
    // run went on to recover() from a failure past the end of the trace (reading trace_ out of
    // bounds and counting a phantom failure) whenever no checkpoint boundary was left.
    const bool reached = advance(seconds, TimeCause::compute);
    // Per-iteration checkpoint overhead (interleaving that did not fit) is stall, not compute.
    const double overhead_s = (now() - before) * (1 - compute_share);
    out_.at(TimeCause::compute) -= overhead_s;
    out_.at(TimeCause::checkpoint_stall) += overhead_s;
    return reached;
  }

  static constexpr int64_t kNoBoundary = std::numeric_limits<int64_t>::max();
  int64_t next_boundary(int64_t interval) const {
    return interval > 0 ? (iteration_ / interval + 1) * interval : kNoBoundary;
  }
  // Frequent checkpoints with a stall are explicit stops; stall-free ones are tracked lazily.
  int64_t stalled_frequent_interval() const {
    return plan_.frequent_stall_s > 0 ? plan_.frequent_interval_iterations : 0;
  }

  // At an iteration boundary: take the checkpoints due. False if a failure cut a stall.
  bool checkpoint_at_boundary() {
    const int64_t kf = stalled_frequent_interval();
    if (kf > 0 && iteration_ % kf == 0) {
      close_stretch();
      if (!advance(plan_.frequent_stall_s, TimeCause::checkpoint_stall)) return false;
      record_frequent(iteration_, now() + plan_.frequent_completion_s);
      start_stretch();
    }
    const int64_t kp = plan_.persistent_interval_iterations;
    if (kp > 0 && iteration_ % kp == 0) {
      close_stretch();
      if (!advance(plan_.persistent_stall_s, TimeCause::checkpoint_stall)) return false;
      poll_uploads();
      uploads_.push_back({iteration_, start_storage_writes(platform_, plan_.shard_bytes)});
      mark("persistent-checkpoint", "iteration=" + std::to_string(iteration_));
      start_stretch();
    }
    return true;
  }

  void record_frequent(int64_t iteration, double complete_s) {
    if (complete_s <= now()) {
      frequent_ = {true, iteration, complete_s};
    } else {
      pending_ = {true, iteration, complete_s};
    }
  }

  // Stall-free frequent checkpoints (GEMINI): snapshot after every K-th iteration of a uniform
  // stretch, complete `frequent_completion_s` later. Roll them forward to now.
  void start_stretch() {
    stretch_t_ = now();
    stretch_it_ = iteration_;
  }
  void close_stretch() {
    const double q = now();
    if (pending_.valid && pending_.complete_s <= q) {
      frequent_ = pending_;
      pending_.valid = false;
    }
    const int64_t k = plan_.frequent_interval_iterations;
    if (plan_.frequent_tier != FrequentTier::cpu_memory || plan_.frequent_stall_s > 0 || k <= 0) return;
    const double T = plan_.iteration_s, d = plan_.frequent_completion_s;
    auto snapshot_s = [&](int64_t b) { return stretch_t_ + (b - stretch_it_) * T; };
    const auto reached = static_cast<int64_t>(std::floor(stretch_it_ + (q - stretch_t_) / T + 1e-6));
    const int64_t last = reached / k * k;
    const auto done_it = static_cast<int64_t>(std::floor(stretch_it_ + (q - d - stretch_t_) / T + 1e-6));
    const int64_t complete = done_it >= 0 ? done_it / k * k : -1;
    if (complete > stretch_it_) frequent_ = {true, complete, snapshot_s(complete) + d};
    if (last > std::max(complete, stretch_it_)) pending_ = {true, last, snapshot_s(last) + d};
    start_stretch();
  }

  void poll_uploads() {
    for (auto it = uploads_.begin(); it != uploads_.end();) {
      if (flows_done(it->second)) {
        persistent_ = {true, std::max(persistent_.iteration, it->first), now()};
        it = uploads_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void mark(const char* name, std::string detail) {
    if (timeline_) timeline_->add_mark(now(), name, std::move(detail));
  }
  static std::string machine_list(const std::vector<int>& machines) {
    std::string out;
    for (int m : machines) out += (out.empty() ? "m" : ",m") + std::to_string(m);
    return out;
  }

  void take_event(Incident& incident) {
    const FailureEvent& e = trace_[next_event_++];
    ++out_.failures;
    mark("failure", std::string(to_string(e.kind)) + " " + machine_list(e.machines));
    if (e.kind == FailureKind::hardware) {
      for (int m : e.machines) {
        incident.hardware.insert(m);
        incident.replaced.erase(m);
      }
      incident.replacement_delay_s = std::max(incident.replacement_delay_s, e.replacement_delay_s);
    } else if (e.kind == FailureKind::network) {
      incident.network_back_s = std::max(incident.network_back_s, e.time_s + e.duration_s);
    }
  }

  // Holder of machine m's in-memory checkpoint that survived, or -1.
  int surviving_holder(int m, const Incident& incident) const {
    for (int h : plan_.holders[m]) {
      if (!incident.hardware.count(h) && joined_s_[h] <= frequent_.complete_s) return h;
    }
    return -1;
  }

  RecoverySource choose_source(const Incident& incident) const {
    if (plan_.frequent_tier == FrequentTier::cpu_memory && frequent_.valid) {
      const bool all_held = std::all_of(incident.hardware.begin(), incident.hardware.end(),
                                        [&](int m) { return surviving_holder(m, incident) >= 0; });
      if (all_held) return incident.hardware.empty() ? RecoverySource::local_cpu : RecoverySource::peer_cpu;
    }
    if (plan_.frequent_tier == FrequentTier::local_disk && frequent_.valid && incident.hardware.empty()) {
      return RecoverySource::local_disk;
    }
    return persistent_.valid ? RecoverySource::persistent : RecoverySource::scratch;
  }

  // Replacement machines (standby slots first, else the cloud's delay) and a failed network
  // coming back are both waits for infrastructure: counted as `replacement`.
  bool wait_replacements(Incident& incident) {
    std::vector<int> missing;
    for (int m : incident.hardware) {
      if (!incident.replaced.count(m)) missing.push_back(m);
    }
    std::vector<size_t> slots;  // standby slots ready now
    for (size_t i = 0; i < standby_ready_s_.size() && slots.size() < missing.size(); ++i) {
      if (standby_ready_s_[i] <= now()) slots.push_back(i);
    }
    double wait_s = slots.size() < missing.size() ? incident.replacement_delay_s : 0.0;
    wait_s = std::max(wait_s, incident.network_back_s - now());
    if (!advance(wait_s, TimeCause::replacement)) return false;
    // A used slot comes back once the failed machine is repaired (never without a repair time).
    const double back_s = s_.recovery.standby_repair_s > 0 ? now() + s_.recovery.standby_repair_s : kNever;
    for (size_t i : slots) standby_ready_s_[i] = back_s;
    incident.replaced.insert(missing.begin(), missing.end());
    return true;
  }

  bool retrieve(RecoverySource source, const Incident& incident) {
    const double deadline = stop_s();
    const double timeout = deadline - now();
    const double before = now();
    bool done = true;
    if (source == RecoverySource::local_cpu || source == RecoverySource::peer_cpu) {
      Flows flows;
      // Survivors read their own copies over PCIe, each on its own link: one stands for all.
      for (int m = 0; m < s_.machines; ++m) {
        if (!incident.hardware.count(m)) {
          flows.push_back(start_memory_restore(platform_, m, m, plan_.shard_bytes));
          break;
        }
      }
      for (int m : incident.hardware) {
        flows.push_back(start_memory_restore(platform_, surviving_holder(m, incident), m, plan_.shard_bytes));
      }
      done = wait_flows(flows, timeout);
    } else if (source == RecoverySource::local_disk) {
      return advance(plan_.frequent_restore_local_s, TimeCause::retrieval);
    } else if (source == RecoverySource::persistent) {
      std::vector<int> all(s_.machines);
      for (int m = 0; m < s_.machines; ++m) all[m] = m;
      Flows flows = start_storage_reads(platform_, all, plan_.shard_bytes);
      done = wait_flows(flows, timeout);
    }
    out_.at(TimeCause::retrieval) += now() - before;
    if (timeline_) timeline_->add_span(before, now(), to_string(TimeCause::retrieval));
    return done || finished_span(deadline, kNever);
  }

  void recover(double progress) {
    close_stretch();
    poll_uploads();
    for (auto& u : uploads_) wait_flows(u.second, 0);  // a failure aborts uploads in flight
    uploads_.clear();

    Incident incident;
    take_event(incident);
    while (next_failure_s() <= now()) take_event(incident);  // simultaneous failures
    RecoverySource source;
    for (;;) {
      if (!advance(s_.recovery.detection_s, TimeCause::detection) || !wait_replacements(incident)) {
        if (ended_) return;
        take_event(incident);
        continue;
      }
      source = choose_source(incident);
      if (!retrieve(source, incident) || !advance(s_.recovery.warmup_s, TimeCause::warmup)) {
        if (ended_) return;
        take_event(incident);
        continue;
      }
      break;
    }
    finish_recovery(progress, source, incident);
  }

  void finish_recovery(double progress, RecoverySource source, const Incident& incident) {
    int64_t restored = 0;
    if (source == RecoverySource::local_cpu || source == RecoverySource::peer_cpu ||
        source == RecoverySource::local_disk) {
      restored = frequent_.iteration;
    } else if (source == RecoverySource::persistent) {
      restored = persistent_.iteration;
    }
    mark("recovered", std::string("source=") + to_string(source) + " restored_iteration=" + std::to_string(restored));
    if (source == RecoverySource::persistent || source == RecoverySource::scratch ||
        (plan_.frequent_tier == FrequentTier::local_disk && !incident.hardware.empty())) {
      frequent_.valid = false;
    }
    pending_.valid = false;
    out_.lost_progress_s += std::max(0.0, progress - restored) * plan_.compute_iteration_s;
    ++out_.recoveries[static_cast<size_t>(source)];
    for (int m : incident.hardware) joined_s_[m] = now();  // replacements start with empty memory
    iteration_ = restored;
    start_stretch();
  }

  const Scenario& s_;
  const Platform& platform_;
  const StrategyPlan& plan_;
  const std::vector<FailureEvent>& trace_;
  StrategyTimeline* timeline_;
  const PeriodicStretch periodic_;  // interval 0: checkpoints are explicit stops
  const double t0_;
  StrategyOutcome out_;
  size_t next_event_ = 0;
  int64_t iteration_ = 0;
  double stretch_t_ = 0;
  int64_t stretch_it_ = 0;
  Checkpoint frequent_, pending_, persistent_;
  std::vector<std::pair<int64_t, Flows>> uploads_;
  std::vector<double> joined_s_;
  std::vector<double> standby_ready_s_;  // when each standby slot holds a machine
  bool ended_ = false;
};

}  // namespace

StrategyOutcome run_strategy(const Scenario& scenario, const Platform& platform, const StrategyPlan& plan,
                             const std::vector<FailureEvent>& trace, StrategyTimeline* timeline) {
  return JobRun(scenario, platform, plan, trace, timeline).run();
}

}  // namespace gemini
