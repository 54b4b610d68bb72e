// Failure sources: each adds the failures one model contributes to a trial's trace. A scenario
// can combine several (independent machine failures, correlated groups, a replayed log, explicit
// events); each draws from its own random stream, so adding one leaves the others unchanged.
#pragma once
#include <memory>
#include <vector>

#include "gemini/failure_trace.hpp"

namespace gemini {

class FailureSource {
 public:
  virtual ~FailureSource() = default;
  // Appends failures in [0, horizon) in any order; replacement delays are filled in later.
  virtual void append(const Scenario& scenario, Rng& rng, std::vector<FailureEvent>& out) const = 0;
};

// Independent failures of each machine: exponential (one superposed Poisson process) or Weibull
// (a renewal process per machine), kinds drawn from the mix.
std::unique_ptr<FailureSource> make_machine_failures();
// Groups of consecutive machines failing together (failures.correlated).
std::unique_ptr<FailureSource> make_correlated_failures();
// Rows of a failure log (failures.trace); `any` picks a machine per trial.
std::unique_ptr<FailureSource> make_replayed_failures();
// failures.events, as written.
std::unique_ptr<FailureSource> make_explicit_failures();

// The kind of a random failure by the scenario's mix; network failures get their outage time.
void draw_kind(const FailureSpec& spec, Rng& rng, FailureEvent& event);

}  // namespace gemini
