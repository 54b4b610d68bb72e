// GEMINI: CPU-memory checkpoints every iteration, replicated to m-1 peers by placement, the
// traffic interleaved into the network's idle spans (Algorithm 2) or sent blocking.
#include <algorithm>

#include "gemini/placement.hpp"
#include "gemini/strategy.hpp"

namespace gemini {

StrategyPlan plan_gemini(const PlanContext& ctx, const StrategySpec& spec) {
  const Scenario& s = ctx.scenario;
  const HardwareProfile& hw = s.hardware;
  StrategyPlan p = base_plan(ctx, spec);
  p.frequent_tier = FrequentTier::cpu_memory;
  p.frequent_interval_iterations = spec.interval_iterations;
  p.holders = replica_holders(s.machines, spec.replicas, spec.placement);

  // Network: each machine sends its shard to m-1 peers (and receives as much).
  const double replica_bytes = (spec.replicas - 1) * p.shard_bytes;
  const LinearCost chunk_cost{hw.network_latency_s + hw.network.alpha_s,
                              std::min(hw.network.bandwidth_bytes_per_s, hw.gpu_to_cpu.bandwidth_bytes_per_s)};
  const ChunkPacking packing = pack_checkpoint_chunks(ctx.baseline.idle_spans, replica_bytes, spec.buffer_bytes,
                                                      spec.sub_buffers, chunk_cost, spec.safety_factor);
  const CheckpointTraffic mode = spec.interleaved ? CheckpointTraffic::interleaved : CheckpointTraffic::blocking;
  double ckpt_iteration_s = simulate_iteration(ctx.platform, ctx.traffic, mode, &packing).iteration_s;

  // PCIe: the local snapshot and the received replicas all cross GPU-to-CPU. Interleaved, the
  // copies overlap compute and only what exceeds the iteration shows; blocking, they add up.
  const double pcie_s = hw.gpu_to_cpu.seconds(spec.replicas * p.shard_bytes);
  if (spec.interleaved) {
    ckpt_iteration_s = std::max(ckpt_iteration_s, pcie_s);
  } else {
    ckpt_iteration_s += hw.gpu_to_cpu.seconds(p.shard_bytes);
  }

  // Never below zero: the two simulated iterations may differ by rounding alone.
  const double overhead_s = std::max(0.0, ckpt_iteration_s - p.compute_iteration_s);
  p.iteration_s = p.compute_iteration_s + overhead_s / p.frequent_interval_iterations;
  // Interleaved traffic of the snapshot taken after iteration i travels during iteration i+1.
  p.frequent_completion_s = spec.interleaved ? ckpt_iteration_s : 0.0;
  p.checkpoint_time_s = spec.interleaved ? ckpt_iteration_s : overhead_s;
  p.checkpoint_interval_iterations = p.frequent_interval_iterations;

  if (spec.persistent_interval_s > 0) {
    // The safety net to persistent storage is uploaded from CPU memory, off the critical path.
    p.persistent_interval_iterations = iterations_in(spec.persistent_interval_s, p.iteration_s);
    p.persistent_stall_s = spec.serialization_s > 0 ? spec.serialization_s : 0.0;
    p.persistent_upload_s = measure_persistent_upload_s(ctx, p.shard_bytes);
  }
  return p;
}

}  // namespace gemini
