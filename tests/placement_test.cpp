// Tests of replica placement (placement.hpp, GEMINI Algorithm 1): group placement when m divides
// N, the tail ring when it does not, plain ring placement, m = 1, invalid m, and Corollary 1's
// recovery probability checked by brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <vector>

#include "gemini/placement.hpp"

namespace gemini {
namespace {

using Holders = std::vector<std::vector<int>>;

// Every machine's list: m distinct machines in range, its own first.
void expect_well_formed(const Holders& h, int n, int m) {
  ASSERT_EQ(static_cast<int>(h.size()), n);
  for (int i = 0; i < n; ++i) {
    SCOPED_TRACE("machine " + std::to_string(i));
    ASSERT_EQ(static_cast<int>(h[i].size()), m);
    EXPECT_EQ(h[i].front(), i);
    EXPECT_EQ(static_cast<int>(std::set<int>(h[i].begin(), h[i].end()).size()), m);
    for (int x : h[i]) {
      EXPECT_GE(x, 0);
      EXPECT_LT(x, n);
    }
  }
}

TEST(PlacementTest, GroupsWhenReplicasDivideMachines) {
  // N = 8, m = 2: groups {0,1} {2,3} {4,5} {6,7}.
  const Holders h = replica_holders(8, 2, Placement::group);
  const Holders want = {{0, 1}, {1, 0}, {2, 3}, {3, 2}, {4, 5}, {5, 4}, {6, 7}, {7, 6}};
  EXPECT_EQ(h, want);

  // N = 8, m = 4: groups {0..3} {4..7}; each member sends to the other three of its group.
  const Holders h4 = replica_holders(8, 4, Placement::group);
  expect_well_formed(h4, 8, 4);
  for (int i = 0; i < 8; ++i) {
    const int first = i / 4 * 4;
    EXPECT_EQ(std::set<int>(h4[i].begin(), h4[i].end()), (std::set<int>{first, first + 1, first + 2, first + 3}))
        << "machine " << i;
  }
}

TEST(PlacementTest, TailRingWhenReplicasDoNotDivideMachines) {
  // N = 7, m = 2: floor(7/2) = 3 groups; the first 3 - 1 = 2 are groups {0,1} {2,3}; the last
  // N - m*(floor(N/m) - 1) = 7 - 2*2 = 3 machines (4, 5, 6) form a ring.
  const Holders h = replica_holders(7, 2, Placement::group);
  const Holders want = {{0, 1}, {1, 0}, {2, 3}, {3, 2}, {4, 5}, {5, 6}, {6, 4}};
  EXPECT_EQ(h, want);

  // N = 10, m = 3: floor(10/3) = 3; groups {0,1,2} {3,4,5}; the last 10 - 3*2 = 4 machines
  // (6..9) are a ring where each sends to the next two of the ring.
  const Holders h3 = replica_holders(10, 3, Placement::group);
  expect_well_formed(h3, 10, 3);
  for (int i = 0; i < 6; ++i) {
    const int first = i / 3 * 3;
    EXPECT_EQ(std::set<int>(h3[i].begin(), h3[i].end()), (std::set<int>{first, first + 1, first + 2}));
  }
  EXPECT_EQ(h3[6], (std::vector<int>{6, 7, 8}));
  EXPECT_EQ(h3[7], (std::vector<int>{7, 8, 9}));
  EXPECT_EQ(h3[8], (std::vector<int>{8, 9, 6}));
  EXPECT_EQ(h3[9], (std::vector<int>{9, 6, 7}));

  // N = 5, m = 3: floor(5/3) = 1, so no full group: all 5 - 3*0 = 5 machines are one ring.
  EXPECT_EQ(replica_holders(5, 3, Placement::group), replica_holders(5, 3, Placement::ring));
}

TEST(PlacementTest, RingPlacement) {
  // Machine i stores to i+1, ..., i+m-1 (mod N).
  const Holders h = replica_holders(5, 3, Placement::ring);
  const Holders want = {{0, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 0}, {4, 0, 1}};
  EXPECT_EQ(h, want);
  // Ring even when m divides N (not groups).
  EXPECT_EQ(replica_holders(4, 2, Placement::ring), (Holders{{0, 1}, {1, 2}, {2, 3}, {3, 0}}));
}

TEST(PlacementTest, EveryShapeIsWellFormedAndBalanced) {
  for (Placement p : {Placement::group, Placement::ring}) {
    for (int n = 1; n <= 20; ++n) {
      for (int m = 1; m <= n; ++m) {
        SCOPED_TRACE("N=" + std::to_string(n) + " m=" + std::to_string(m) + " " + to_string(p));
        const Holders h = replica_holders(n, m, p);
        expect_well_formed(h, n, m);
        // Every machine stores exactly m checkpoints (its own included): CPU memory is balanced.
        std::vector<int> load(n, 0);
        for (const auto& list : h) {
          for (int x : list) ++load[x];
        }
        for (int i = 0; i < n; ++i) EXPECT_EQ(load[i], m) << "machine " << i;
      }
    }
  }
}

TEST(PlacementTest, SingleReplicaIsLocalOnly) {
  for (Placement p : {Placement::group, Placement::ring}) {
    const Holders h = replica_holders(6, 1, p);
    for (int i = 0; i < 6; ++i) EXPECT_EQ(h[i], std::vector<int>{i});
  }
  EXPECT_EQ(replica_holders(1, 1, Placement::group), (Holders{{0}}));
}

TEST(PlacementTest, InvalidReplicaCountThrows) {
  for (Placement p : {Placement::group, Placement::ring}) {
    EXPECT_THROW(replica_holders(4, 0, p), std::invalid_argument);
    EXPECT_THROW(replica_holders(4, -1, p), std::invalid_argument);
    EXPECT_THROW(replica_holders(4, 5, p), std::invalid_argument);
  }
}

// Fraction of the C(N, k) sets of k lost machines after which every lost machine's checkpoint
// still has a holder outside the set.
double recoverable_fraction(const Holders& h, int n, int k) {
  int total = 0, ok = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    ++total;
    bool all = true;
    for (int i = 0; i < n && all; ++i) {
      if (!(mask >> i & 1u)) continue;
      all = std::any_of(h[i].begin(), h[i].end(), [&](int x) { return !(mask >> x & 1u); });
    }
    ok += all;
  }
  return static_cast<double>(ok) / total;
}

double choose(int n, int k) {
  if (k < 0 || k > n) return 0;
  double c = 1;
  for (int i = 1; i <= k; ++i) c = c * (n - k + i) / i;
  return c;
}

TEST(PlacementTest, GroupPlacementMatchesCorollary1) {
  // m | N: recovery from CPU memory is certain for k < m, and exactly
  // 1 - N*C(N-m, k-m) / (m*C(N, k)) for m <= k < 2m.
  for (auto [n, m] : {std::pair{8, 2}, std::pair{12, 3}, std::pair{12, 4}}) {
    const Holders h = replica_holders(n, m, Placement::group);
    for (int k = 1; k < 2 * m && k <= n; ++k) {
      SCOPED_TRACE("N=" + std::to_string(n) + " m=" + std::to_string(m) + " k=" + std::to_string(k));
      const double want = k < m ? 1.0 : 1.0 - n * choose(n - m, k - m) / (m * choose(n, k));
      EXPECT_NEAR(recoverable_fraction(h, n, k), want, 1e-12);
    }
    // Group placement is at least as good as the ring (Theorem 1).
    const Holders ring = replica_holders(n, m, Placement::ring);
    for (int k = m; k < 2 * m && k <= n; ++k) {
      EXPECT_GE(recoverable_fraction(h, n, k), recoverable_fraction(ring, n, k) - 1e-12);
    }
  }
}

}  // namespace
}  // namespace gemini
