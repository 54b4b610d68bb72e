// One training iteration simulated on the platform: ZeRO-3 collectives on the NIC overlapped
// with layer compute, and checkpoint chunks interleaved (or appended) per GEMINI Algorithm 2.
#pragma once
#include <vector>

#include "gemini/interleave.hpp"
#include "gemini/platform.hpp"
#include "gemini/scenario.hpp"

namespace gemini {

// Per-machine traffic and compute of one iteration, layer by layer.
struct TrainingTraffic {
  int layers = 0;
  double forward_s_per_layer = 0;
  double backward_s_per_layer = 0;          // includes activation recomputation when enabled
  double allgather_bytes_per_layer = 0;     // inter-machine bytes each NIC sends (and receives)
  double reduce_scatter_bytes_per_layer = 0;
};

// Compute time from the scenario's iteration_time (or FLOPs / effective FLOP/s), split into
// layers; ZeRO-3 traffic: per layer an all-gather in forward and backward and a reduce-scatter
// of gradients, each moving (N-1)/N of the layer's working weights through every NIC.
TrainingTraffic make_training_traffic(const Scenario& scenario);

// Compute-only iteration time (what the GPUs need with no exposed communication).
double compute_time_per_iteration_s(const Scenario& scenario);

struct IterationTimeline {
  double iteration_s = 0;
  double network_busy_s = 0;
  // idle_spans[k] is the network's idle gap after its k-th operation; the unbounded span after
  // the last one is not listed.
  std::vector<Span> idle_spans;
};

enum class CheckpointTraffic { none, interleaved, blocking };

// Runs inside a SimGrid actor. Uses machines 0 and 1 (a ring's neighbours: every NIC carries
// the same load in both directions); one machine means no inter-machine traffic.
IterationTimeline simulate_iteration(const Platform& platform, const TrainingTraffic& traffic,
                                     CheckpointTraffic mode, const ChunkPacking* chunks);

}  // namespace gemini
