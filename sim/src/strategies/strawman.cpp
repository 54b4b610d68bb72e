// Strawman: persistent storage every few hours, blocking serialisation, asynchronous upload.
#include "gemini/strategy.hpp"

namespace gemini {

StrategyPlan plan_strawman(const PlanContext& ctx, const StrategySpec& spec) {
  StrategyPlan p = base_plan(ctx, spec);
  p.persistent_interval_iterations = iterations_in(spec.persistent_interval_s, p.iteration_s);
  p.persistent_stall_s = serialization_s(ctx, spec, p.shard_bytes);
  p.persistent_upload_s = measure_persistent_upload_s(ctx, p.shard_bytes);
  p.checkpoint_time_s = p.persistent_stall_s + p.persistent_upload_s;
  p.checkpoint_interval_iterations = p.persistent_interval_iterations;
  return p;
}

}  // namespace gemini
