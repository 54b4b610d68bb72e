// Closed forms the engine is checked against: GEMINI's Eq. 1 and Corollary 1, the Young and Daly
// optimal checkpoint intervals, the expected number of failures, and the exact probability of
// recovering from CPU memory for any placement.
#pragma once
#include <cstdint>

#include "gemini/scenario.hpp"

namespace gemini {

// GEMINI Eq. 1: average wasted time per failure, t_ckpt + 1/(2f) + t_rtvl (f: checkpoints per s).
double gemini_wasted_per_failure_s(double checkpoint_s, double checkpoints_per_s, double retrieval_s);

// Young: sqrt(2 delta M). Daly (higher order): sqrt(2 delta M) [1 + sqrt(delta/2M)/3 +
// (delta/2M)/9] - delta for delta < 2M, else M. delta = checkpoint cost, M = mean time to interrupt.
double young_interval_s(double checkpoint_cost_s, double mtti_s);
double daly_interval_s(double checkpoint_cost_s, double mtti_s);

// Expected failures that hit the job in [0, horizon): machine failures (Weibull: horizon / mean,
// the renewal function's long-run value), correlated groups, replayed rows and explicit events.
double expected_failures(const Scenario& scenario);

// Mean time between failures of the whole job (exponential machine failures + groups).
double job_mtti_s(const Scenario& scenario);

// Corollary 1's bound (m divides N): 1 if k < m, else max(0, 1 - N C(N-m, k-m) / (m C(N, k))).
double corollary1_bound(int machines, int replicas, int lost);

// Exact Pr[every lost machine's checkpoint survives on a machine that was not lost] when `lost`
// machines fail at once, uniformly at random, under `placement` (group: Algorithm 1, whose tail
// uses ring placement when m does not divide N). Counts subsets by combinatorics (group part)
// and a run-length recursion (ring part); long double keeps it exact-in-float for N up to ~4000.
double recovery_probability_exact(int machines, int replicas, int lost, Placement placement);

}  // namespace gemini
