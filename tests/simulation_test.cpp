// Tests of one simulated trial (simulation.hpp): the job actor's accounting against
// hand-computed timelines, checkpoints interrupted by failures, conservation of time, common
// random numbers across strategies, failure kinds and standby pools. Storage contention and
// traffic interleaving are in engine_flows_test.cpp.
//
// SimGrid runs one simulation per process. gtest_discover_tests runs every TEST in its own
// process, and every TEST here creates at most one engine: one run_trial, or one engine of its
// own, or none (run_trials forks a child per trial).
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


namespace gemini {
namespace {

using namespace test;  // engine_support.hpp

const std::string kSourceDir = GEMINI_SOURCE_DIR;


// ---------------------------------------------------------------------------------------------
// The hand-computed scenario.
//
// 4 x p4d.24xlarge: NIC 400 Gbps = 50e9 B/s per direction with 20 us latency; GPU-to-CPU (PCIe)
// 50e9 B/s with 10 us latency. A tiny 4-layer model (3,448,320 parameters, so the training
// collectives hide under compute except for a few tens of microseconds), a given iteration time
// of 10 s, and checkpoint_bytes_per_param chosen so that the whole checkpoint is 4e9 bytes:
// every machine holds a shard of exactly 1e9 bytes. Storage: 1e9 B/s aggregate, 1 ms latency.
// No random failures. Recovery: detection 15 s, replacement exactly 300 s (min = max), no
// standby, warm-up 20 s. Horizon 700 s.
//
// Strategies:
//  - strawman: persistent checkpoint every 100 s = 10 iterations, blocking 5 s of serialisation,
//    then an asynchronous upload of 4 x 1e9 B through the shared 1e9 B/s storage: 4 s + 1.02 ms.
//  - gemini: in-memory checkpoint every iteration, m = 2 (groups {0,1} {2,3}), interleaved, no
//    persistent safety net. Its replication is 1e9 B = 30 chunks of 32 MiB, ~0.71 ms each:
//    ~21 ms that fit easily into the idle network spans of a 10 s iteration, so the
//    checkpointing iteration equals the plain one (T). The snapshot taken after iteration i
//    completes when iteration i+1 ends (its traffic travels during iteration i+1).
//  - gemini-blocking: the same, sending the replicas after each iteration (30 chunks) plus the
//    local GPU-to-CPU copy of the shard: iteration T + ~41 ms; a snapshot is complete when
//    its (longer) iteration ends.
//
// T denotes the simulated iteration (10 s plus the exposed first all-gather and last
// reduce-scatter, ~0.1 ms). Hand formulas below use T; the test checks T ~ 10 s separately.
// ---------------------------------------------------------------------------------------------
constexpr double kShard = 1e9;
constexpr double kStorageBw = 1e9, kStorageLat = 1e-3;
constexpr double kDetect = 15, kReplace = 300, kWarm = 20, kHorizon = 700;
constexpr double kSerialize = 5;

ModelSpec tiny_model() {
  ModelSpec m;
  m.name = "tiny";
  m.layers = 4;
  m.hidden = 256;
  m.heads = 4;
  m.vocab = 1000;
  m.seq_len = 128;
  return m;
}

Scenario hand_scenario(std::vector<ExplicitFailure> events, bool with_blocking = false) {
  Scenario s;
  s.name = "hand";
  s.machines = 4;
  s.hardware = *find_builtin_hardware("p4d.24xlarge");
  s.model = tiny_model();
  s.iteration_time_s = 10;
  s.training.checkpoint_bytes_per_param = 4 * kShard / static_cast<double>(parameter_count(s.model));
  s.horizon_s = kHorizon;
  s.storage = {kStorageBw, kStorageLat};
  s.failures.rate_per_machine_per_s = 0;
  s.failures.events = std::move(events);
  s.recovery = {kDetect, kReplace, kReplace, 0, kWarm};
  StrategySpec straw;
  straw.name = "strawman";
  straw.kind = StrategyKind::strawman;
  straw.persistent_interval_s = 100;
  straw.serialization_s = kSerialize;
  StrategySpec gem;
  gem.name = "gemini";
  gem.kind = StrategyKind::gemini;
  gem.persistent_interval_s = 0;
  gem.interval_iterations = 1;
  gem.replicas = 2;
  gem.placement = Placement::group;
  gem.interleaved = true;
  s.strategies = {straw, gem};
  if (with_blocking) {
    StrategySpec blk = gem;
    blk.name = "gemini-blocking";
    blk.interleaved = false;
    s.strategies.push_back(blk);
  }
  return s;
}

// Figures of the hand scenario every test checks before relying on them.
void check_hand_plan(const Scenario& s, const TrialResult& t) {
  ASSERT_NEAR(derive_sizes(s.model, s.training).checkpoint_bytes / s.machines, kShard, 1e-3);
  EXPECT_EQ(parameter_count(s.model), 3448320);
  const StrategyResult& straw = by_name(t, "strawman");
  const StrategyResult& gem = by_name(t, "gemini");
  // T: 10 s of compute plus a few exposed tiny collectives (latency-bound, ~0.1 ms).
  EXPECT_GE(straw.compute_iteration_s, 10.0);
  EXPECT_LT(straw.compute_iteration_s, 10.001);
  EXPECT_DOUBLE_EQ(straw.iteration_s, straw.compute_iteration_s);
  EXPECT_EQ(straw.checkpoint_interval_iterations, 10);  // llround(100 s / T)
  // Strawman checkpoint: 5 s serialisation + the upload simulated through the platform:
  // 4 x 1e9 B / 1e9 B/s plus the storage and NIC latencies.
  EXPECT_NEAR(straw.checkpoint_time_s, kSerialize + 4 * kShard / kStorageBw + kStorageLat + kNicLat, 1e-9);
  // Gemini's replication fits in the idle spans: no slower than the plain iteration.
  EXPECT_NEAR(gem.compute_iteration_s, straw.compute_iteration_s, 1e-12);
  EXPECT_NEAR(gem.iteration_s, gem.compute_iteration_s, 1e-9);
  EXPECT_NEAR(gem.checkpoint_time_s, gem.iteration_s, 1e-9);
  EXPECT_EQ(gem.checkpoint_interval_iterations, 1);
}

// Asserts every bucket of an outcome; the rest of the horizon is compute.
struct Expected {
  double stall, lost, detection, replacement, retrieval, warmup;
  int64_t final_iteration;
  RecoverySource source;
};

void expect_outcome(const StrategyOutcome& o, const Expected& e, double tol = 1e-6) {
  EXPECT_EQ(o.failures, 1);
  EXPECT_EQ(recoveries(o, e.source), 1) << "recovered from " << to_string(e.source);
  int64_t all = 0;
  for (int64_t r : o.recoveries) all += r;
  EXPECT_EQ(all, 1);
  EXPECT_NEAR(secs(o, TimeCause::checkpoint_stall), e.stall, tol);
  EXPECT_NEAR(o.lost_progress_s, e.lost, tol);
  EXPECT_NEAR(secs(o, TimeCause::detection), e.detection, tol);
  EXPECT_NEAR(secs(o, TimeCause::replacement), e.replacement, tol);
  EXPECT_NEAR(secs(o, TimeCause::retrieval), e.retrieval, tol);
  EXPECT_NEAR(secs(o, TimeCause::warmup), e.warmup, tol);
  const double compute = kHorizon - e.stall - e.detection - e.replacement - e.retrieval - e.warmup;
  EXPECT_NEAR(secs(o, TimeCause::compute), compute, tol);
  EXPECT_NEAR(o.total_s(), kHorizon, 1e-9 * kHorizon);
  // Total waste: stalls + lost progress + the recovery phases.
  EXPECT_NEAR(o.wasted_s(), e.stall + e.lost + e.detection + e.replacement + e.retrieval + e.warmup, tol);
  EXPECT_NEAR(o.failure_wasted_s(), e.lost + e.detection + e.replacement + e.retrieval + e.warmup, tol);
  EXPECT_EQ(o.final_iteration, e.final_iteration);
}

// Persistent restore: every machine reads its 1e9 B shard at once through the shared storage
// link (1e9 B/s, so 2.5e8 B/s each: 4 s) then its NIC; latency 1 ms + 20 us.
constexpr double kStorageRestore = 4 * kShard / kStorageBw + kStorageLat + kNicLat;
// Local CPU restore: shard over the machine's own PCIe (the survivors read in parallel, each on
// its own link): 1e9 / 50e9 + 10 us.
constexpr double kLocalRestore = kShard / kPcieBw + kPcieLat;
// Peer restore of the lost machine's shard: holder's NIC -> replacement's NIC, 1e9 / 50e9 +
// 2 x 20 us, in parallel with the survivors' local reads (other links): the slower of the two.
constexpr double kPeerRestore = kShard / kNicBw + 2 * kNicLat;

TEST(SimulationTest, HandComputedSoftwareFailure) {
  // One software failure of machine 1 at t = 255 s (every strategy replays the same trace).
  const Scenario s = hand_scenario({{255, {1}, FailureKind::software}});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  ASSERT_EQ(t.failures_in_trace, 1);

  {
    // Strawman, T ~ 10.0001 s:
    //   iteration 10 at 10T; stall 5 s; upload (4.001 s, async) until 10T + 9.001.
    //   iteration 20 at 20T + 5; stall until 20T + 10 (~210.003); upload done by ~214.004.
    //   failure at 255: progress = 20 + (255 - 20T - 10) / T iterations; restore persistent 20.
    //   lost     = 255 - 10 - 20T                                    (~45.0 s)
    //   detection 15 s (255 -> 270); software: no replacement;
    //   retrieval 4 + 0.001 + 0.00002 s (270 -> 274.001); warm-up 20 s (-> 294.001).
    //   training resumes at iteration 20: iteration 30 at 294.001 + 10T (~394.0), stall 5 s;
    //   40 at ~499.0, stall; 50 at ~604.0, stall to ~609.0; 60 would be at ~709 > 700.
    //   stalls: iterations 10, 20, 30, 40, 50 = 25 s.
    //   final: 50 + (700 - 609.0) / T = 59.1 -> iteration 59.
    const StrategyResult& r = by_name(t, "strawman");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {25, 255 - 10 - 20 * T, kDetect, 0, kStorageRestore, kWarm, 59,
                               RecoverySource::persistent});
  }
  {
    // Gemini, T ~ 10.0001 s, one stretch from 0: at 255 s iteration 25 has ended (25T ~
    // 250.003), so the snapshot of 25 is still replicating (until 26T); the last complete one
    // is 24 (complete at 25T). Software failure: every machine still has its CPU memory, so
    // it restores from local CPU.
    //   lost      = (255/T - 24) * T = 255 - 24T                    (~15.0 s)
    //   detection 15 s; replacement 0; retrieval 1e9/50e9 + 10 us = 20.01 ms; warm-up 20 s.
    //   no stalls (interleaving fits). final: 24 + (700 - 290.02) / T = 64.99 -> 64.
    const StrategyResult& r = by_name(t, "gemini");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {0, 255 - 24 * T, kDetect, 0, kLocalRestore, kWarm, 64, RecoverySource::local_cpu});
  }
}

TEST(SimulationTest, HandComputedHardwareFailure) {
  // The same timeline with machine 1 lost for good (hardware) at 255 s: a 300 s replacement.
  const Scenario s = hand_scenario({{255, {1}, FailureKind::hardware}});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  {
    // Strawman: restore persistent 20 as before, after 15 s detection and 300 s replacement
    // (255 -> 270 -> 570), retrieval to 574.001, warm-up to 594.001. Iteration 30 at
    // 594.001 + 10T ~ 694.0, stall to 699.0, then train to 700.
    //   stalls: 10, 20, 30 = 15 s. lost = 255 - 10 - 20T (~45.0 s).
    //   final: 30 + (700 - 699.0) / T -> 30.
    const StrategyResult& r = by_name(t, "strawman");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {15, 255 - 10 - 20 * T, kDetect, kReplace, kStorageRestore, kWarm, 30,
                               RecoverySource::persistent});
  }
  {
    // Gemini: machine 1's checkpoint survives on its group peer, machine 0 (holders {1, 0}), so
    // the replacement reads from peer CPU memory: 1e9/50e9 + 40 us, while the survivors read
    // their own over PCIe (20.01 ms) at the same time. Restores 24 as in the software case.
    //   detection 15 + replacement 300 + retrieval 20.04 ms + warm-up 20 -> resumes ~590.02.
    //   final: 24 + (700 - 590.02) / T = 34.99 -> 34.
    const StrategyResult& r = by_name(t, "gemini");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {0, 255 - 24 * T, kDetect, kReplace, std::max(kPeerRestore, kLocalRestore), kWarm, 34,
                               RecoverySource::peer_cpu});
  }
}

TEST(SimulationTest, FailureDuringUploadFallsBackOneCheckpoint) {
  // Software failure of machine 2 at 212 s.
  const Scenario s = hand_scenario({{212, {2}, FailureKind::software}}, /*with_blocking=*/true);
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  {
    // Strawman: checkpoint 20's upload runs from 20T + 10 (~210.003) to ~214.004; the failure
    // at 212 aborts it, so the last persistent checkpoint is 10.
    //   progress = 20 + (212 - 20T - 10) / T; lost = (progress - 10) T = 202 - 10T (~102 s).
    //   212 -> 227 detection -> 231.001 retrieval -> 251.001 warm-up, resume at 10:
    //   20 at 251.001 + 10T ~ 351.0 (stall), 30 at ~456.0, 40 at ~561.0, 50 at ~666.0 (stall to
    //   ~671.0); stalls 10, 20 (before the failure) + 20, 30, 40, 50 = 30 s.
    //   final: 50 + (700 - 671.0) / T -> 52.
    const StrategyResult& r = by_name(t, "strawman");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {30, 202 - 10 * T, kDetect, 0, kStorageRestore, kWarm, 52,
                               RecoverySource::persistent});
  }
  {
    // Gemini interleaved: at 212 s, iteration 21 ended at 21T ~ 210.003 and its snapshot is
    // still replicating (until 22T); restore 20, not 21.
    //   lost = 212 - 20T (~12.0 s, not ~2.0).
    //   final: 20 + (700 - 247.02) / T = 65.3 -> 65.
    const StrategyResult& r = by_name(t, "gemini");
    const double T = r.iteration_s;
    expect_outcome(r.outcome, {0, 212 - 20 * T, kDetect, 0, kLocalRestore, kWarm, 65, RecoverySource::local_cpu});
  }
  {
    // Gemini blocking: iteration Tb = T + 30 chunks (~0.71 ms each) + 1e9/50e9 + 10 us of local
    // copy ~ T + 41 ms; the snapshot is complete when its iteration ends. 212 / Tb = 21.1 ->
    // restore 21. Lost progress counts compute only: (212/Tb - 21) * T.
    // The per-iteration overhead (Tb - T) of every second trained is a stall:
    //   stall = (212 + (700 - 247.02)) * (1 - T/Tb).
    const StrategyResult& r = by_name(t, "gemini-blocking");
    const double T = r.compute_iteration_s, Tb = r.iteration_s;
    const double chunk_s = kNicLat * 2 + 32 * 1024 * 1024 / kNicBw;
    EXPECT_NEAR(Tb - T, 30 * chunk_s + kLocalRestore, 1e-4);
    EXPECT_NEAR(r.checkpoint_time_s, Tb - T, 1e-9);
    const double resume = 212 + kDetect + kLocalRestore + kWarm;
    const double trained = 212 + (kHorizon - resume);
    const double final_progress = 21 + (kHorizon - resume) / Tb;
    expect_outcome(r.outcome, {trained * (1 - T / Tb), (212 / Tb - 21) * T, kDetect, 0, kLocalRestore, kWarm,
                               static_cast<int64_t>(final_progress), RecoverySource::local_cpu});
  }
}

TEST(SimulationTest, FailureAfterReplicationCompletesRestoresLatest) {
  // Software failure at 222 s: gemini's snapshot 21 completed at 22T ~ 220.003, so it restores
  // 21 (lost = 222 - 21T ~ 1.997 s) while snapshot 22 (in flight) is dropped.
  const Scenario s = hand_scenario({{222, {0}, FailureKind::software}});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  const StrategyResult& r = by_name(t, "gemini");
  const double T = r.iteration_s;
  // resume at 222 + 15 + 0.02 + 20 = 257.02; final 21 + (700 - 257.02) / T = 65.3 -> 65.
  expect_outcome(r.outcome, {0, 222 - 21 * T, kDetect, 0, kLocalRestore, kWarm, 65, RecoverySource::local_cpu});
}

TEST(SimulationTest, FailureDuringSerializationStall) {
  // Software failure at 207 s, inside strawman's 5 s serialisation of checkpoint 20 (from
  // 20T + 5 ~ 205.003): the stall is cut, nothing of 20 was written; restore 10.
  //   progress = 20 exactly; lost = 10T. Stall: 5 (checkpoint 10) + (207 - 20T - 5) of 20.
  //   207 -> 222 -> 226.001 -> 246.001, resume at 10: 20 at ~346.0, 30 at ~451.0, 40 at
  //   ~556.0, 50 at ~661.0 (stall to ~666.0): 4 more stalls of 5 s. final: 50 + 34/T -> 53.
  const Scenario s = hand_scenario({{207, {3}, FailureKind::software}});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  const StrategyResult& r = by_name(t, "strawman");
  const double T = r.iteration_s;
  expect_outcome(r.outcome, {5 + (207 - 20 * T - 5) + 20, 10 * T, kDetect, 0, kStorageRestore, kWarm, 53,
                             RecoverySource::persistent});
}

TEST(SimulationTest, LosingAWholeGroupFallsBackToPersistentStorage) {
  // Hardware failure of machines 0 and 1 at 255 s: with m = 2 groups {0,1} {2,3}, both copies
  // of their checkpoints are gone (Corollary 1: k = m loses a group with probability > 0).
  Scenario s = hand_scenario({{255, {0, 1}, FailureKind::hardware}});
  StrategySpec net = s.strategies[1];
  net.name = "gemini-net";
  net.persistent_interval_s = 100;  // the safety net: every 10 iterations, no serialisation stall
  net.serialization_s = 0;
  s.strategies.push_back(net);
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  {
    // No safety net: start from scratch. lost = everything trained, 255 s (255/T iterations of
    // T each); no retrieval; resume at 255 + 15 + 300 + 20 = 590; final floor(110 / T) = 10.
    const StrategyResult& r = by_name(t, "gemini");
    expect_outcome(r.outcome, {0, 255, kDetect, kReplace, 0, kWarm, 10, RecoverySource::scratch});
  }
  {
    // Safety net: uploads from CPU memory at iterations 10 (10T) and 20 (20T ~ 200.003, done by
    // ~204.004) without stalling; restore 20 from storage: lost = 255 - 20T (~55.0 s);
    // resume at 255 + 15 + 300 + 4.001 + 20 = 594.001 from 20; final 20 + 105.999 / T -> 30.
    const StrategyResult& r = by_name(t, "gemini-net");
    const double T = r.iteration_s;
    EXPECT_EQ(r.outcome.recoveries[static_cast<size_t>(RecoverySource::peer_cpu)], 0);
    expect_outcome(r.outcome, {0, 255 - 20 * T, kDetect, kReplace, kStorageRestore, kWarm, 30,
                               RecoverySource::persistent});
  }
}

TEST(SimulationTest, TwoMachinesOfDifferentGroupsRecoverFromPeers) {
  // Hardware failure of machines 0 and 2 at 255 s: their copies survive on 1 and 3; the two
  // peer reads use different NICs, so the retrieval takes what one does.
  const Scenario s = hand_scenario({{255, {0, 2}, FailureKind::hardware}});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  const StrategyResult& r = by_name(t, "gemini");
  const double T = r.iteration_s;
  expect_outcome(r.outcome, {0, 255 - 24 * T, kDetect, kReplace, std::max(kPeerRestore, kLocalRestore), kWarm, 34,
                             RecoverySource::peer_cpu});
}

TEST(SimulationTest, RunWithoutCheckpointBoundaryEndsAtHorizon) {
  // No failure and, for gemini, no persistent checkpoint: no boundary is left to stop at, so the
  // run must end at the horizon: no failure, no recovery, 700 s of compute, iteration
  // floor(700 / T) = 69. (Regression: the engine used to treat the horizon as a failure here.)
  const Scenario s = hand_scenario({});
  const TrialResult t = run_trial(s, 0);
  check_hand_plan(s, t);
  EXPECT_EQ(t.failures_in_trace, 0);
  for (const StrategyResult& r : t.strategies) {
    SCOPED_TRACE(r.name);
    EXPECT_EQ(r.outcome.failures, 0);
    for (int64_t n : r.outcome.recoveries) EXPECT_EQ(n, 0);
    EXPECT_EQ(r.outcome.lost_progress_s, 0);
    EXPECT_NEAR(r.outcome.total_s(), kHorizon, 1e-9);
  }
  const StrategyOutcome& g = by_name(t, "gemini").outcome;
  EXPECT_NEAR(g.at(TimeCause::compute), kHorizon, 1e-6);
  EXPECT_EQ(g.final_iteration, 69);
  // Strawman: checkpoints at 10, 20, ..., 60 (60 at 60T + 25 ~ 625.0, stall to ~630.0), 5 s
  // each = 30 s; 70 would be at ~730. final: 60 + (700 - 630.0) / T = 66.99 -> 66.
  const StrategyOutcome& w = by_name(t, "strawman").outcome;
  EXPECT_NEAR(w.at(TimeCause::checkpoint_stall), 30, 1e-6);
  EXPECT_EQ(w.final_iteration, 66);
}

// ---------------------------------------------------------------------------------------------
// Conservation of time and common random numbers, over many failures and every strategy kind.
// run_trials forks one child per trial, so this process never starts an engine itself.
// ---------------------------------------------------------------------------------------------
Scenario stress_scenario() { return load_scenario(kSourceDir + "/tests/data/engine/stress.yaml"); }

void check_conservation(const Scenario& s, const std::vector<TrialResult>& trials) {
  const double tol = 1e-6 * s.horizon_s;
  for (const TrialResult& t : trials) {
    SCOPED_TRACE("seed " + std::to_string(s.seed) + " trial " + std::to_string(t.trial));
    ASSERT_EQ(t.strategies.size(), s.strategies.size());
    for (const StrategyResult& r : t.strategies) {
      SCOPED_TRACE(r.name);
      const StrategyOutcome& o = r.outcome;
      for (double v : o.seconds) EXPECT_GE(v, -1e-9);
      EXPECT_GE(o.lost_progress_s, -1e-9);
      EXPECT_LE(o.lost_progress_s, o.at(TimeCause::compute) + 1e-9);
      EXPECT_NEAR(o.total_s(), s.horizon_s, tol);
      double by_cause = o.productive_s() + o.lost_progress_s;
      for (TimeCause c : {TimeCause::checkpoint_stall, TimeCause::detection, TimeCause::replacement,
                          TimeCause::retrieval, TimeCause::warmup}) {
        by_cause += o.at(c);
      }
      EXPECT_NEAR(by_cause, s.horizon_s, tol);
      // Common random numbers: every strategy takes every failure of the trace.
      EXPECT_EQ(o.failures, t.failures_in_trace);
      int64_t recovered = 0;
      for (int64_t n : o.recoveries) recovered += n;
      EXPECT_LE(recovered, o.failures);  // failures during a recovery join it
      if (o.failures > 0) {
        EXPECT_GE(recovered, 1);
      }
    }
  }
  for (const StrategySummary& m : summarize(s, trials)) {
    SCOPED_TRACE(m.name);
    EXPECT_LE(m.max_conservation_error_s, tol);
    double wasted = 0;
    for (const auto& [cause, gpu_hours] : m.wasted_gpu_hours_by_cause) wasted += gpu_hours;
    EXPECT_EQ(m.wasted_gpu_hours_by_cause.size(), 6u);
    EXPECT_NEAR(m.ettr.mean * m.total_gpu_hours + wasted, m.total_gpu_hours, 1e-6 * m.total_gpu_hours);
    EXPECT_NEAR(wasted, m.wasted_gpu_hours.mean, 1e-6 * m.total_gpu_hours);
    EXPECT_NEAR(m.total_gpu_hours, s.horizon_s * s.total_gpus() / 3600, 1e-9 * m.total_gpu_hours);
  }
}

TEST(SimulationTest, TimeIsConservedForEveryStrategySeed1) {
  Scenario s = stress_scenario();
  s.seed = 1;
  const auto trials = run_trials(s, 4, 2);
  int64_t failures = 0;
  for (const TrialResult& t : trials) failures += t.failures_in_trace;
  EXPECT_GE(failures, 4 * 5);  // the scenario is meant to fail often
  check_conservation(s, trials);
}

TEST(SimulationTest, TimeIsConservedForEveryStrategySeed2) {
  Scenario s = stress_scenario();
  s.seed = 12345;
  check_conservation(s, run_trials(s, 4, 2));
}

TEST(SimulationTest, CommonRandomNumbersAcrossStrategies) {
  // The shipped GEMINI scenario with a higher failure rate: every strategy of a trial sees the
  // same failures, and a trial replays identically.
  Scenario s = load_scenario(kSourceDir + "/scenarios/gemini-p4d-gpt2-100b.yaml");
  s.failures.rate_per_machine_per_s *= 10;
  s.horizon_s = 2 * 86400.0;
  const auto a = run_trials(s, 3, 2);
  const auto b = run_trials(s, 3, 1);
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("trial " + std::to_string(i));
    EXPECT_EQ(a[i].failures_in_trace, static_cast<int64_t>(generate_failure_trace(s, trial_seed(s.seed, i)).size()));
    EXPECT_GT(a[i].failures_in_trace, 0);
    for (const StrategyResult& r : a[i].strategies) EXPECT_EQ(r.outcome.failures, a[i].failures_in_trace) << r.name;
    ASSERT_EQ(a[i].strategies.size(), b[i].strategies.size());
    for (size_t k = 0; k < a[i].strategies.size(); ++k) {
      EXPECT_EQ(a[i].strategies[k].outcome.seconds, b[i].strategies[k].outcome.seconds);
      EXPECT_EQ(a[i].strategies[k].outcome.lost_progress_s, b[i].strategies[k].outcome.lost_progress_s);
    }
  }
  EXPECT_NE(a[0].strategies[0].outcome.seconds, a[1].strategies[0].outcome.seconds);  // trials differ
}

// ---- failure kinds and standby pools (issue 5) ------------------------------------------------

TEST(RecoveryKindsTest, NetworkFailureWaitsForTheNetworkAndKeepsMemory) {
  // Machine 1's link is down for 100 s from t = 255 s. Memory survives, so GEMINI restores from
  // local CPU: detection 15 s, then the network is still down for 85 s (counted as replacement:
  // waiting for infrastructure), local retrieval, warm-up. Same lost progress as a software
  // failure at that time (HandComputedSoftwareFailure): 255 - 24T.
  ExplicitFailure net{255, {1}, FailureKind::network, 100};
  const Scenario s = hand_scenario({net});
  const TrialResult t = run_trial(s, 0);
  const StrategyResult& r = by_name(t, "gemini");
  const double T = r.iteration_s;
  EXPECT_NEAR(secs(r.outcome, TimeCause::detection), kDetect, 1e-6);
  EXPECT_NEAR(secs(r.outcome, TimeCause::replacement), 100 - kDetect, 1e-6);
  EXPECT_NEAR(secs(r.outcome, TimeCause::retrieval), kLocalRestore, 1e-6);
  EXPECT_NEAR(r.outcome.lost_progress_s, 255 - 24 * T, 1e-6);
  EXPECT_EQ(r.outcome.recoveries[static_cast<size_t>(RecoverySource::local_cpu)], 1);
}

// Two hardware failures (machines 1 and 3, different groups) at 100 s and 300 s, one standby.
StrategyOutcome standby_run(double repair_s) {
  Scenario s = hand_scenario({{100, {1}, FailureKind::hardware}, {300, {3}, FailureKind::hardware}});
  s.recovery.standby_machines = 1;
  s.recovery.standby_repair_s = repair_s;
  return by_name(run_trial(s, 0), "gemini").outcome;
}

TEST(RecoveryKindsTest, StandbyWithoutRepairServesOnce) {
  // The first failure takes the standby (no wait); the second waits the cloud's 300 s.
  EXPECT_NEAR(secs(standby_run(0), TimeCause::replacement), kReplace, 1e-6);
}

TEST(RecoveryKindsTest, RepairedStandbyServesAgain) {
  // The slot used at 115 s is refilled 50 s later, in time for the second failure.
  EXPECT_NEAR(secs(standby_run(50), TimeCause::replacement), 0, 1e-9);
}

}  // namespace
}  // namespace gemini
