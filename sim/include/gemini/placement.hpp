// Replica placement (GEMINI Algorithm 1): which machines hold each machine's checkpoint.
#pragma once
#include <cstdint>
#include <vector>

#include "gemini/scenario.hpp"

namespace gemini {

// holders[i] lists the machines that keep machine i's checkpoint, i itself first.
// group: groups of m machines; when m does not divide N the last N - m*(floor(N/m)-1)
// machines use ring placement among themselves. ring: i keeps copies on i+1..i+m-1 (mod N).
std::vector<std::vector<int>> replica_holders(int machines, int replicas, Placement placement);

// True when every machine in `lost` still has a copy on a machine outside `lost`.
bool recoverable_from_memory(const std::vector<std::vector<int>>& holders, const std::vector<int>& lost);

struct MonteCarloEstimate {
  double estimate = 0;
  double ci95_half_width = 0;  // normal approximation of the binomial proportion
  int64_t trials = 0;
};

// Draws `lost` machines uniformly at random `trials` times (splitmix64 from `seed`) and checks
// each draw against replica_holders: the engine's own placement code.
MonteCarloEstimate recovery_probability_monte_carlo(int machines, int replicas, int lost, Placement placement,
                                                    int64_t trials, uint64_t seed);

}  // namespace gemini
