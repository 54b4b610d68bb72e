// Monte Carlo over trials: each trial in its own forked child process (SimGrid runs one
// simulation per process), at most `jobs` at a time. Results come back in trial order, so the
// output does not depend on `jobs`.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "gemini/simulation.hpp"

namespace gemini {

using ProgressFn = std::function<void(int done, int total)>;

std::vector<TrialResult> run_trials(const Scenario& scenario, int trials, int jobs,
                                    const ProgressFn& progress = nullptr);

int default_jobs();  // online cores

// The pool under run_trials: work(i) for i in [0, count) runs in a forked child, at most `jobs`
// at once, started in index order; its JSON comes back through a pipe and done(i, json) runs in
// the parent as each child finishes (in completion order). A child that throws, dies or returns
// no JSON makes run_forked throw "<label(i)>: <reason>".
void run_forked(int count, int jobs, const std::function<nlohmann::json(int)>& work,
                const std::function<void(int, nlohmann::json&)>& done,
                const std::function<std::string(int)>& label);

}  // namespace gemini
