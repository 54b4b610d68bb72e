// Checkpoint strategies: each turns a StrategySpec into a StrategyPlan (what every iteration
// costs, how often each tier is written, where a recovery can read from). The job actor
// (job_actor.hpp) executes plans; it knows nothing about individual strategies.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "gemini/iteration_profile.hpp"
#include "gemini/platform.hpp"
#include "gemini/scenario.hpp"

namespace gemini {

enum class FrequentTier { none, cpu_memory, local_disk };

struct StrategyPlan {
  std::string name;
  StrategyKind kind = StrategyKind::strawman;
  double shard_bytes = 0;             // checkpoint bytes each machine holds
  double compute_iteration_s = 0;     // an iteration without checkpoint traffic
  double iteration_s = 0;             // average iteration including per-iteration overhead

  // Frequent tier: CPU memory (+ peers) or local disk, every `frequent_interval` iterations.
  FrequentTier frequent_tier = FrequentTier::none;
  int64_t frequent_interval_iterations = 0;
  double frequent_stall_s = 0;        // blocking time after the snapshot iteration
  double frequent_completion_s = 0;   // snapshot to complete (replication still in flight)
  double frequent_restore_local_s = 0;  // local disk read when the tier is local_disk
  std::vector<std::vector<int>> holders;  // cpu_memory: who keeps each machine's copy

  // Persistent tier (remote storage); interval 0 = never.
  int64_t persistent_interval_iterations = 0;
  double persistent_stall_s = 0;      // blocking serialisation before the async upload
  double persistent_upload_s = 0;     // every machine's upload at once, simulated on the platform

  // Reported figures.
  double checkpoint_time_s = 0;       // one checkpoint, snapshot to complete
  int64_t checkpoint_interval_iterations = 0;
};

// What planners may use: the platform and the simulated iteration without checkpoints.
// Planners run inside the SimGrid actor, so they may simulate iterations themselves.
struct PlanContext {
  const Scenario& scenario;
  const Platform& platform;
  const TrainingTraffic& traffic;
  const IterationTimeline& baseline;  // no checkpoint traffic
};

using StrategyPlanner = std::function<StrategyPlan(const PlanContext&, const StrategySpec&)>;

// One registration per strategy kind (strategies/*.cpp).
StrategyPlan plan_strategy(const PlanContext& ctx, const StrategySpec& spec);

// Helpers shared by planners.
StrategyPlan base_plan(const PlanContext& ctx, const StrategySpec& spec);
double serialization_s(const PlanContext& ctx, const StrategySpec& spec, double bytes);
// Time for every machine to upload its shard to the shared storage at once, simulated through
// the platform (runs inside the SimGrid actor; takes simulated time before the strategy starts).
double measure_persistent_upload_s(const PlanContext& ctx, double shard_bytes);
int64_t iterations_in(double seconds, double iteration_s);  // rounded, at least 1

StrategyPlan plan_strawman(const PlanContext& ctx, const StrategySpec& spec);
StrategyPlan plan_highfreq(const PlanContext& ctx, const StrategySpec& spec);
StrategyPlan plan_gemini(const PlanContext& ctx, const StrategySpec& spec);
StrategyPlan plan_seed_disk(const PlanContext& ctx, const StrategySpec& spec);

}  // namespace gemini
