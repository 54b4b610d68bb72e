// Replica placement of GEMINI (Algorithm 1): which machines hold a copy of each machine's
// checkpoints. m = replicas counted with the owner (m = 1: no peer copies).
//   group: machines [g*m, g*m+m) form a group; each holds the checkpoints of the whole group.
//   ring:  machine i sends to i+1 .. i+m-1 (mod M).
//   auto:  Algorithm 1: group when M % m == 0; otherwise groups for the first floor(M/m)-1
//          groups and ring placement over the remaining m + M % m machines.
#pragma once
#include <string>
#include <vector>

namespace gemini::real {

enum class Placement { kGroup, kRing, kAuto };
Placement parse_placement(const std::string& name);  // throws std::invalid_argument

// peers[i]: the machines (other than i) that hold replicas of machine i's checkpoints, in
// order of preference. Throws std::invalid_argument unless 1 <= m <= machines.
std::vector<std::vector<int>> replica_peers(int machines, int m, Placement placement);

// The inverse: sources[j] = machines whose checkpoints machine j holds.
std::vector<std::vector<int>> replica_sources(const std::vector<std::vector<int>>& peers);

}  // namespace gemini::real
