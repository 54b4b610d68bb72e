// Chrome trace-event JSON of one trial (format: the "Trace Event Format" document of the
// Chromium project; "X" complete events, "i" instants, "M" metadata; times in microseconds).
#include "gemini/chrome_trace.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "gemini/accounting.hpp"

namespace gemini {
namespace {

constexpr double kUs = 1e6;
constexpr int kEventsTid = 20;
constexpr int kFirstMachineTid = 100;

nlohmann::json meta(const char* what, int pid, int tid, const nlohmann::json& args) {
  nlohmann::json j{{"ph", "M"}, {"name", what}, {"pid", pid}, {"args", args}};
  if (tid >= 0) j["tid"] = tid;
  return j;
}

std::string machine_list(const std::vector<int>& machines) {
  std::string out;
  for (size_t i = 0; i < machines.size(); ++i) {
    if (i == 16) return out + ",... (" + std::to_string(machines.size()) + " machines)";
    out += (i ? ",m" : "m") + std::to_string(machines[i]);
  }
  return out;
}

// Track of each failed machine: one per machine, or buckets of consecutive machines.
struct MachineTracks {
  int bucket = 1;  // machines per track
  std::map<int, int> tid_of_track;  // track number (machine / bucket) -> tid

  MachineTracks(const Scenario& s, const std::vector<FailureEvent>& failures) {
    std::set<int> failed;
    for (const FailureEvent& e : failures) failed.insert(e.machines.begin(), e.machines.end());
    if (static_cast<int>(failed.size()) > kMaxMachineTracks) {
      bucket = (s.machines + kMaxMachineTracks - 1) / kMaxMachineTracks;
    }
    for (int m : failed) tid_of_track.emplace(m / bucket, 0);
    int tid = kFirstMachineTid;
    for (auto& t : tid_of_track) t.second = tid++;
  }
  std::string name(int track, const Scenario& s) const {
    if (bucket == 1) return "machine " + std::to_string(track);
    const int lo = track * bucket, hi = std::min(s.machines, lo + bucket) - 1;
    return "machines " + std::to_string(lo) + "-" + std::to_string(hi);
  }
};

}  // namespace

nlohmann::json chrome_trace(const Scenario& s, int trial, const TrialResult& result,
                            const std::vector<StrategyTimeline>& timelines, const std::vector<FailureEvent>& failures) {
  nlohmann::json events = nlohmann::json::array();
  const MachineTracks tracks(s, failures);
  for (size_t k = 0; k < timelines.size(); ++k) {
    const StrategyTimeline& tl = timelines[k];
    const int pid = static_cast<int>(k) + 1;
    const StrategyOutcome& o = result.strategies.at(k).outcome;
    const double ettr = o.productive_s() / s.horizon_s;
    events.push_back(meta("process_name", pid, -1, {{"name", "strategy " + tl.strategy}}));
    events.push_back(meta("process_sort_index", pid, -1, {{"sort_index", pid}}));
    char label[64];
    std::snprintf(label, sizeof label, "ETTR %.4f, %lld failures", ettr, static_cast<long long>(o.failures));
    events.push_back(meta("process_labels", pid, -1, {{"labels", label}}));
    // One track per phase, in accounting order.
    for (int c = 0; c < static_cast<int>(TimeCause::count); ++c) {
      events.push_back(meta("thread_name", pid, c + 1, {{"name", to_string(static_cast<TimeCause>(c))}}));
      events.push_back(meta("thread_sort_index", pid, c + 1, {{"sort_index", c + 1}}));
    }
    events.push_back(meta("thread_name", pid, kEventsTid, {{"name", "events"}}));
    events.push_back(meta("thread_sort_index", pid, kEventsTid, {{"sort_index", kEventsTid}}));
    for (const TimelineSpan& span : tl.spans) {
      int tid = 0;
      for (int c = 0; c < static_cast<int>(TimeCause::count); ++c) {
        if (span.name == to_string(static_cast<TimeCause>(c))) tid = c + 1;
      }
      events.push_back({{"ph", "X"}, {"cat", "phase"}, {"name", span.name}, {"pid", pid}, {"tid", tid},
                        {"ts", span.start_s * kUs}, {"dur", (span.end_s - span.start_s) * kUs}});
    }
    std::vector<double> recovered;
    for (const TimelineMark& mark : tl.marks) {
      events.push_back({{"ph", "i"}, {"s", "t"}, {"cat", "event"}, {"name", mark.name}, {"pid", pid},
                        {"tid", kEventsTid}, {"ts", mark.time_s * kUs}, {"args", {{"detail", mark.detail}}}});
      if (mark.name == "recovered") recovered.push_back(mark.time_s);
    }
    // Failed machines: down from the failure until the recovery that includes it completes.
    for (const auto& t : tracks.tid_of_track) {
      events.push_back(meta("thread_name", pid, t.second, {{"name", tracks.name(t.first, s)}}));
      events.push_back(meta("thread_sort_index", pid, t.second, {{"sort_index", t.second}}));
    }
    const size_t taken = std::min(failures.size(), static_cast<size_t>(std::max<int64_t>(0, o.failures)));
    for (size_t i = 0; i < taken; ++i) {
      const FailureEvent& e = failures[i];
      const auto back = std::lower_bound(recovered.begin(), recovered.end(), e.time_s);
      const double end_s = back == recovered.end() ? s.horizon_s : *back;
      std::set<int> tids;
      for (int m : e.machines) tids.insert(tracks.tid_of_track.at(m / tracks.bucket));
      for (int tid : tids) {
        events.push_back({{"ph", "X"}, {"cat", "machine"}, {"name", std::string(to_string(e.kind)) + " failure"},
                          {"pid", pid}, {"tid", tid}, {"ts", e.time_s * kUs}, {"dur", (end_s - e.time_s) * kUs},
                          {"args", {{"failure", i}, {"machines", machine_list(e.machines)}}}});
      }
    }
  }
  return {{"traceEvents", events},
          {"displayTimeUnit", "ms"},
          {"otherData",
           {{"generator", "gemini-sim"},
            {"scenario", s.name},
            {"trial", trial},
            {"seed", s.seed},
            {"machines", s.machines},
            {"horizon_s", s.horizon_s},
            {"failures_in_trace", failures.size()}}}};
}

nlohmann::json trace_trial(const Scenario& scenario, int trial) {
  std::vector<StrategyTimeline> timelines;
  const TrialResult result = run_trial(scenario, trial, &timelines);
  const std::vector<FailureEvent> failures = generate_failure_trace(scenario, trial_seed(scenario.seed, trial));
  return chrome_trace(scenario, trial, result, timelines, failures);
}

}  // namespace gemini
