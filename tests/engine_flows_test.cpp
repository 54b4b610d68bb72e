// Tests of the engine's flows: storage contention (transfers.hpp: flows through the shared
// storage link split its bandwidth; cohorts equal per-machine flows) and GEMINI's traffic
// interleaving on the simulated iteration (iteration_profile.hpp, interleave.hpp).
//
// SimGrid runs one simulation per process. gtest_discover_tests runs every TEST in its own
// process, and every TEST here creates at most one engine.
#include <gtest/gtest.h>

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gemini/failure_trace.hpp"
#include "gemini/interleave.hpp"
#include "gemini/iteration_profile.hpp"
#include "gemini/monte_carlo.hpp"
#include "gemini/platform.hpp"
#include "gemini/report.hpp"
#include "gemini/scenario.hpp"
#include "gemini/simulation.hpp"
#include "gemini/transfers.hpp"
#include "engine_support.hpp"

namespace sg4 = simgrid::s4u;

namespace gemini {
namespace {

using namespace test;  // engine_support.hpp

const std::string kSourceDir = GEMINI_SOURCE_DIR;

// ---------------------------------------------------------------------------------------------
// Storage contention: flows through the shared storage link split its bandwidth.
// ---------------------------------------------------------------------------------------------
Scenario storage_scenario(int machines) {
  Scenario s;
  s.name = "storage";
  s.machines = machines;
  s.hardware = *find_builtin_hardware("p4d.24xlarge");
  s.storage = {20e9 / 8, 0};  // 20 Gbps = 2.5e9 B/s, as GEMINI's FSx
  return s;
}

// Seconds until every flow started by `start` has finished (one engine: call once per TEST).
template <typename Start>
double time_flows(int machines, Start start) {
  auto engine = make_engine();
  const Platform p = build_platform(storage_scenario(machines));
  double elapsed = -1;
  sg4::Actor::create("io", p.machines.at(0).gpu, [&] {
    const double t0 = sg4::Engine::get_clock();
    Flows flows = start(p);
    EXPECT_TRUE(wait_flows(flows, -1));
    elapsed = sg4::Engine::get_clock() - t0;
  });
  engine->run();
  return elapsed;
}

constexpr double kReadBytes = 10e9;           // 4 s alone at 2.5e9 B/s
constexpr double kAlone = kReadBytes / 2.5e9 + kNicLat;

TEST(SimulationTest, StorageReadAlone) {
  const double t = time_flows(4, [](const Platform& p) { return start_storage_reads(p, {2}, kReadBytes); });
  EXPECT_NEAR(t, kAlone, 1e-6);
}

TEST(SimulationTest, StorageReadsTwoAtOnceTakeTwiceAsLong) {
  const double t = time_flows(4, [](const Platform& p) { return start_storage_reads(p, {1, 3}, kReadBytes); });
  EXPECT_NEAR(t, 2 * kReadBytes / 2.5e9 + kNicLat, 1e-6);
  EXPECT_NEAR(t / kAlone, 2.0, 1e-3);
}

TEST(SimulationTest, StorageWritesOfEveryMachineShareTheLink) {
  // 4 machines upload at once: 4 x the single-machine time (the NICs are 20x faster).
  const double t = time_flows(4, [](const Platform& p) { return start_storage_writes(p, kReadBytes); });
  EXPECT_NEAR(t, 4 * kReadBytes / 2.5e9 + kNicLat, 1e-6);
}

TEST(SimulationTest, StorageCohortMatchesPerMachineFlows) {
  // Above kCohortAboveMachines, "everyone reads" is one cohort flow of N x the bytes: it must
  // take what N individual flows would, N x the single-machine time.
  constexpr int n = 40;
  static_assert(n > static_cast<int>(kCohortAboveMachines));
  const double t = time_flows(n, [](const Platform& p) {
    std::vector<int> all(n);
    for (int i = 0; i < n; ++i) all[i] = i;
    Flows f = start_storage_reads(p, all, 1e9);
    EXPECT_EQ(f.size(), 1u);
    return f;
  });
  EXPECT_NEAR(t, n * 1e9 / 2.5e9 + kNicLat, 1e-6);
}

// ---------------------------------------------------------------------------------------------
// Traffic interleaving (GEMINI §5) on the simulated iteration.
// ---------------------------------------------------------------------------------------------
struct InterleaveRun {
  IterationTimeline none, interleaved, blocking;
  ChunkPacking packing;
  double shard_bytes = 0;
};

// GPT-2 100B on 16 p4d (the shipped scenario), with optional changes; m = 2: each machine sends
// one shard per checkpoint. One engine: call once per TEST.
InterleaveRun run_interleave(double network_bytes_per_s, double checkpoint_bytes_per_param) {
  auto engine = make_engine();
  Scenario s = load_scenario(kSourceDir + "/scenarios/gemini-p4d-gpt2-100b.yaml");
  s.hardware.network.bandwidth_bytes_per_s = network_bytes_per_s;
  s.training.checkpoint_bytes_per_param = checkpoint_bytes_per_param;
  const Platform p = build_platform(s);
  InterleaveRun out;
  sg4::Actor::create("iteration", p.machines.at(0).gpu, [&] {
    const TrainingTraffic traffic = make_training_traffic(s);
    out.none = simulate_iteration(p, traffic, CheckpointTraffic::none, nullptr);
    const double shard = out.shard_bytes = derive_sizes(s.model, s.training).checkpoint_bytes / s.machines;
    // f(s) as the GEMINI planner profiles it: 2 x 20 us of latency + s / NIC bandwidth.
    const LinearCost f{2 * kNicLat, network_bytes_per_s};
    out.packing = pack_checkpoint_chunks(out.none.idle_spans, shard, 128.0 * 1024 * 1024, 4, f, 0.9);
    out.interleaved = simulate_iteration(p, traffic, CheckpointTraffic::interleaved, &out.packing);
    out.blocking = simulate_iteration(p, traffic, CheckpointTraffic::blocking, &out.packing);
  });
  engine->run();
  return out;
}

TEST(SimulationTest, InterleavingThatFitsCostsNothing) {
  // 400 Gbps, 12 B/param: a ~75 GB shard = 2,242 chunks of 32 MiB (~0.71 ms each, ~1.6 s in
  // all) into a 62 s iteration whose network is mostly idle (371 idle spans).
  const InterleaveRun r = run_interleave(50e9, 12);
  EXPECT_NEAR(r.none.iteration_s, 62.0, 0.5);
  EXPECT_EQ(r.packing.total_chunks, static_cast<int64_t>(std::ceil(r.shard_bytes / (32.0 * 1024 * 1024))));
  EXPECT_EQ(r.packing.leftover_chunks, 0);
  EXPECT_NEAR(r.interleaved.iteration_s, r.none.iteration_s, 1e-9 * r.none.iteration_s);
  // Blocking: every chunk after the iteration.
  EXPECT_NEAR(r.blocking.iteration_s - r.none.iteration_s, r.packing.total_chunks * r.packing.chunk_time_s,
              1e-3 * r.packing.total_chunks * r.packing.chunk_time_s);
}

TEST(SimulationTest, InterleavingThatOverflowsGrowsByTheLeftover) {
  // 100 Gbps and 4x the checkpoint (48 B/param): training collectives take most of the
  // network's time and 8,967 chunks of 32 MiB (~2.72 ms each, ~24.4 s) no longer fit in what
  // is idle (3,430 are left over, ~9.3 s); the iteration grows by leftover x chunk time, and
  // blocking mode by all of them.
  const InterleaveRun r = run_interleave(100e9 / 8, 48);
  ASSERT_GT(r.packing.leftover_chunks, 0);
  ASSERT_LT(r.packing.leftover_chunks, r.packing.total_chunks);
  const double leftover_s = r.packing.leftover_chunks * r.packing.chunk_time_s;
  EXPECT_NEAR(r.interleaved.iteration_s - r.none.iteration_s, leftover_s, 0.01 * leftover_s + r.packing.chunk_time_s);
  const double all_s = r.packing.total_chunks * r.packing.chunk_time_s;
  EXPECT_NEAR(r.blocking.iteration_s - r.none.iteration_s, all_s, 0.01 * all_s);
  EXPECT_LT(r.interleaved.iteration_s, r.blocking.iteration_s);
}

TEST(SimulationTest, GeminiPlanIterationTimes) {
  // Through run_trial: the interleaved plan's iteration equals the plain one; the blocking one
  // adds every chunk plus the local GPU-to-CPU copy of the shard.
  Scenario s = load_scenario(kSourceDir + "/scenarios/gemini-p4d-gpt2-100b.yaml");
  s.failures = {};
  s.horizon_s = 3600;
  StrategySpec inter;
  inter.name = "interleaved";
  inter.kind = StrategyKind::gemini;
  StrategySpec block = inter;
  block.name = "blocking";
  block.interleaved = false;
  s.strategies = {inter, block};
  const TrialResult t = run_trial(s, 0);
  const StrategyResult& i = by_name(t, "interleaved");
  const StrategyResult& b = by_name(t, "blocking");
  EXPECT_NEAR(i.iteration_s, i.compute_iteration_s, 1e-9 * i.compute_iteration_s);
  const double shard = derive_sizes(s.model, s.training).checkpoint_bytes / s.machines;  // ~75 GB
  const double chunk_s = 2 * kNicLat + 32.0 * 1024 * 1024 / kNicBw;
  const double chunks = std::ceil(shard / (32.0 * 1024 * 1024));
  const double blocking_overhead = chunks * chunk_s + (shard / kPcieBw + kPcieLat);
  EXPECT_NEAR(b.iteration_s - b.compute_iteration_s, blocking_overhead, 1e-3 * blocking_overhead);
  // No failures: everything but stalls is compute, all of it productive.
  for (const StrategyResult& r : t.strategies) {
    EXPECT_EQ(r.outcome.failures, 0);
    EXPECT_NEAR(r.outcome.at(TimeCause::compute) + r.outcome.at(TimeCause::checkpoint_stall), s.horizon_s, 1e-6);
    EXPECT_EQ(r.outcome.lost_progress_s, 0);
  }
  EXPECT_NEAR(i.outcome.at(TimeCause::checkpoint_stall), 0, 1e-6);
  EXPECT_NEAR(b.outcome.at(TimeCause::checkpoint_stall), s.horizon_s * (1 - b.compute_iteration_s / b.iteration_s),
              1e-6);
}

}  // namespace
}  // namespace gemini
