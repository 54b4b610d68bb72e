// The seed's scheme: every N iterations each machine serialises to its local disk (blocking).
#include "gemini/strategy.hpp"

namespace gemini {

StrategyPlan plan_seed_disk(const PlanContext& ctx, const StrategySpec& spec) {
  StrategyPlan p = base_plan(ctx, spec);
  const HardwareProfile& hw = ctx.scenario.hardware;
  p.frequent_tier = FrequentTier::local_disk;
  p.frequent_interval_iterations = spec.interval_iterations;
  p.frequent_stall_s = serialization_s(ctx, spec, p.shard_bytes) + hw.local_disk_write.seconds(p.shard_bytes);
  p.frequent_restore_local_s = hw.local_disk_read.seconds(p.shard_bytes);
  p.checkpoint_time_s = p.frequent_stall_s;
  p.checkpoint_interval_iterations = p.frequent_interval_iterations;
  // Optional remote copy (off by default, as in the seed): blocking serialisation, async upload.
  if (spec.persistent_interval_s > 0) {
    p.persistent_interval_iterations = iterations_in(spec.persistent_interval_s, p.iteration_s);
    p.persistent_stall_s = serialization_s(ctx, spec, p.shard_bytes);
    p.persistent_upload_s = measure_persistent_upload_s(ctx, p.shard_bytes);
  }
  return p;
}

}  // namespace gemini
