// Replica placement (GEMINI Algorithm 1): which machines hold each machine's checkpoint.
#pragma once
#include <vector>

#include "gemini/scenario.hpp"

namespace gemini {

// holders[i] lists the machines that keep machine i's checkpoint, i itself first.
// group: groups of m machines; when m does not divide N the last N - m*(floor(N/m)-1)
// machines use ring placement among themselves. ring: i keeps copies on i+1..i+m-1 (mod N).
std::vector<std::vector<int>> replica_holders(int machines, int replicas, Placement placement);

}  // namespace gemini
