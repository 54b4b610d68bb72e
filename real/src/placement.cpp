// GEMINI replica placement (Algorithm 1).
#include "placement.hpp"

#include <stdexcept>

namespace gemini::real {

Placement parse_placement(const std::string& name) {
  if (name == "group") return Placement::kGroup;
  if (name == "ring") return Placement::kRing;
  if (name == "auto") return Placement::kAuto;
  throw std::invalid_argument("placement must be group, ring or auto, not '" + name + "'");
}

namespace {
// Ring over machines [first, first+count): i sends to the next m-1 of them.
void ring(std::vector<std::vector<int>>& peers, int first, int count, int m) {
  for (int i = 0; i < count; ++i) {
    for (int k = 1; k < m; ++k) peers[first + i].push_back(first + (i + k) % count);
  }
}
void groups(std::vector<std::vector<int>>& peers, int first, int count, int m) {
  for (int i = 0; i < count; ++i) {
    const int g = first + i / m * m;
    for (int j = g; j < g + m; ++j) {
      if (j != first + i) peers[first + i].push_back(j);
    }
  }
}
}  // namespace

std::vector<std::vector<int>> replica_peers(int machines, int m, Placement placement) {
  if (machines < 1 || m < 1 || m > machines) {
    throw std::invalid_argument("replicas m=" + std::to_string(m) + " needs 1 <= m <= machines (" +
                                std::to_string(machines) + ")");
  }
  std::vector<std::vector<int>> peers(machines);
  switch (placement) {
    case Placement::kRing:
      ring(peers, 0, machines, m);
      break;
    case Placement::kGroup:
      if (machines % m != 0) {
        throw std::invalid_argument("group placement needs machines (" + std::to_string(machines) +
                                    ") divisible by m (" + std::to_string(m) + ")");
      }
      groups(peers, 0, machines, m);
      break;
    case Placement::kAuto:
      if (machines % m == 0) {
        groups(peers, 0, machines, m);
      } else {
        const int grouped = (machines / m - 1) * m;
        groups(peers, 0, grouped, m);
        ring(peers, grouped, machines - grouped, m);
      }
      break;
  }
  return peers;
}

std::vector<std::vector<int>> replica_sources(const std::vector<std::vector<int>>& peers) {
  std::vector<std::vector<int>> sources(peers.size());
  for (size_t i = 0; i < peers.size(); ++i) {
    for (int j : peers[i]) sources[static_cast<size_t>(j)].push_back(static_cast<int>(i));
  }
  return sources;
}

}  // namespace gemini::real
