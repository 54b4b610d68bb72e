// Replica placement (GEMINI Algorithm 1).
#include "gemini/placement.hpp"

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "gemini/failure_trace.hpp"

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

bool recoverable_from_memory(const std::vector<std::vector<int>>& holders, const std::vector<int>& lost) {
  std::vector<char> is_lost(holders.size(), 0);
  for (int m : lost) is_lost[m] = 1;
  for (int m : lost) {
    bool held = false;
    for (int h : holders[m]) held = held || !is_lost[h];
    if (!held) return false;
  }
  return true;
}

MonteCarloEstimate recovery_probability_monte_carlo(int machines, int replicas, int lost, Placement placement,
                                                    int64_t trials, uint64_t seed) {
  const auto holders = replica_holders(machines, replicas, placement);
  std::vector<int> order(machines);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed);
  int64_t ok = 0;
  for (int64_t t = 0; t < trials; ++t) {
    for (int i = 0; i < lost; ++i) {  // partial Fisher-Yates: the first `lost` are the sample
      const int j = i + static_cast<int>(rng.next_u64() % static_cast<uint64_t>(machines - i));
      std::swap(order[i], order[j]);
    }
    ok += recoverable_from_memory(holders, std::vector<int>(order.begin(), order.begin() + lost));
  }
  MonteCarloEstimate e;
  e.trials = trials;
  e.estimate = static_cast<double>(ok) / static_cast<double>(trials);
  e.ci95_half_width = 1.96 * std::sqrt(e.estimate * (1 - e.estimate) / static_cast<double>(trials));
  return e;
}

}  // namespace gemini
