// One trial as Chrome trace-event JSON (opens in Perfetto or chrome://tracing; docs/OUTPUT.md):
// a process per strategy with a track per phase of the job, an "events" track of instants
// (failures, persistent checkpoints, recoveries) and tracks for the failed machines.
#pragma once
#include <nlohmann/json.hpp>
#include <vector>

#include "gemini/failure_trace.hpp"
#include "gemini/simulation.hpp"
#include "gemini/timeline.hpp"

namespace gemini {

// Failed machines get a track each up to this many distinct machines; beyond it, machines are
// bucketed into this many tracks of consecutive indices ("machines 0-63").
constexpr int kMaxMachineTracks = 32;

nlohmann::json chrome_trace(const Scenario& scenario, int trial, const TrialResult& result,
                            const std::vector<StrategyTimeline>& timelines, const std::vector<FailureEvent>& failures);

// Runs `trial` in this process (one SimGrid engine) and returns its chrome_trace.
nlohmann::json trace_trial(const Scenario& scenario, int trial);

}  // namespace gemini
