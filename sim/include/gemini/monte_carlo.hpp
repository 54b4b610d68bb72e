// Monte Carlo over trials: each trial in its own forked child process (SimGrid runs one
// simulation per process), at most `jobs` at a time. Results come back in trial order, so the
// output does not depend on `jobs`.
#pragma once
#include <functional>
#include <vector>

#include "gemini/simulation.hpp"

namespace gemini {

using ProgressFn = std::function<void(int done, int total)>;

std::vector<TrialResult> run_trials(const Scenario& scenario, int trials, int jobs,
                                    const ProgressFn& progress = nullptr);

int default_jobs();  // online cores

}  // namespace gemini
