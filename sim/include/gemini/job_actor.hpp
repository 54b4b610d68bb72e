// Runs one strategy's plan against a failure trace for the scenario's horizon, inside a
// SimGrid actor: training advances in long interruptible stretches; checkpoints, failures and
// recoveries are the only events.
#pragma once
#include <vector>

#include "gemini/accounting.hpp"
#include "gemini/failure_trace.hpp"
#include "gemini/platform.hpp"
#include "gemini/strategy.hpp"
#include "gemini/timeline.hpp"

namespace gemini {

StrategyOutcome run_strategy(const Scenario& scenario, const Platform& platform, const StrategyPlan& plan,
                             const std::vector<FailureEvent>& trace, StrategyTimeline* timeline = nullptr);

}  // namespace gemini
