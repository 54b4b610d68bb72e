// HighFreq: persistent storage as often as its bandwidth allows (GEMINI's second baseline).
#include <algorithm>
#include <cmath>

#include "gemini/strategy.hpp"

namespace gemini {

StrategyPlan plan_highfreq(const PlanContext& ctx, const StrategySpec& spec) {
  StrategyPlan p = base_plan(ctx, spec);
  p.persistent_stall_s = serialization_s(ctx, spec, p.shard_bytes);
  p.persistent_upload_s = measure_persistent_upload_s(ctx, p.shard_bytes);
  p.checkpoint_time_s = p.persistent_stall_s + p.persistent_upload_s;
  // Every ceil(t_ckpt / T_iter) iterations: the next upload starts when the previous one ends.
  p.persistent_interval_iterations =
      spec.interval_iterations > 0
          ? spec.interval_iterations
          : std::max<int64_t>(1, static_cast<int64_t>(std::ceil(p.checkpoint_time_s / p.iteration_s)));
  p.checkpoint_interval_iterations = p.persistent_interval_iterations;
  return p;
}

}  // namespace gemini
