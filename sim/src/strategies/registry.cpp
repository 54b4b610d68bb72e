// The one place strategy kinds map to planners, plus helpers they share.
#include <algorithm>
#include <cmath>
#include <map>

#include <simgrid/s4u/Engine.hpp>

#include "gemini/strategy.hpp"
#include "gemini/transfers.hpp"

namespace gemini {

StrategyPlan plan_strategy(const PlanContext& ctx, const StrategySpec& spec) {
  static const std::map<StrategyKind, StrategyPlanner> planners = {
      {StrategyKind::strawman, plan_strawman},
      {StrategyKind::highfreq, plan_highfreq},
      {StrategyKind::gemini, plan_gemini},
      {StrategyKind::seed_disk, plan_seed_disk},
  };
  return planners.at(spec.kind)(ctx, spec);
}

StrategyPlan base_plan(const PlanContext& ctx, const StrategySpec& spec) {
  StrategyPlan p;
  p.name = spec.name;
  p.kind = spec.kind;
  const ModelSizes sizes = derive_sizes(ctx.scenario.model, ctx.scenario.training);
  p.shard_bytes = sizes.checkpoint_bytes / ctx.scenario.machines;
  p.compute_iteration_s = ctx.baseline.iteration_s;
  p.iteration_s = ctx.baseline.iteration_s;
  return p;
}

double serialization_s(const PlanContext& ctx, const StrategySpec& spec, double bytes) {
  if (spec.serialization_s >= 0) return spec.serialization_s;
  return bytes / ctx.scenario.hardware.serialize_bytes_per_s;
}

double measure_persistent_upload_s(const PlanContext& ctx, double shard_bytes) {
  const double start = simgrid::s4u::Engine::get_clock();
  Flows flows = start_storage_writes(ctx.platform, shard_bytes);
  wait_flows(flows, -1);
  return simgrid::s4u::Engine::get_clock() - start;
}

int64_t iterations_in(double seconds, double iteration_s) {
  return std::max<int64_t>(1, std::llround(seconds / iteration_s));
}

}  // namespace gemini
