// Replica placement (GEMINI Algorithm 1).
#include "gemini/placement.hpp"

#include <stdexcept>

namespace gemini {
namespace {

// Ring placement over machines [first, first + count): each sends to the next m-1 of them.
void place_ring(std::vector<std::vector<int>>& holders, int first, int count, int m) {
  for (int k = 0; k < count; ++k) {
    for (int j = 0; j < m; ++j) holders[first + k].push_back(first + (k + j) % count);
  }
}

}  // namespace

std::vector<std::vector<int>> replica_holders(int machines, int replicas, Placement placement) {
  if (replicas < 1 || replicas > machines) {
    throw std::invalid_argument("replicas must be in [1, machines]");
  }
  std::vector<std::vector<int>> holders(machines);
  if (placement == Placement::ring) {
    place_ring(holders, 0, machines, replicas);
    return holders;
  }
  const int groups = machines / replicas;
  const bool divides = machines % replicas == 0;
  const int full_groups = divides ? groups : groups - 1;
  for (int g = 0; g < full_groups; ++g) {
    const int first = g * replicas;
    for (int k = 0; k < replicas; ++k) {
      // Own copy first, then the other group members in order.
      for (int j = 0; j < replicas; ++j) holders[first + k].push_back(first + (k + j) % replicas);
    }
  }
  if (!divides) {
    const int first = full_groups * replicas;
    place_ring(holders, first, machines - first, replicas);
  }
  return holders;
}

}  // namespace gemini
