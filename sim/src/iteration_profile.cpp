// Simulates one iteration's compute/communication overlap as a small dependency graph.
#include "gemini/iteration_profile.hpp"

#include <simgrid/s4u.hpp>

#include <algorithm>

namespace sg4 = simgrid::s4u;

namespace gemini {

double compute_time_per_iteration_s(const Scenario& s) {
  if (s.iteration_time_s > 0) return s.iteration_time_s;
  const ModelSizes sizes = derive_sizes(s.model, s.training);
  const double flops_per_gpu = sizes.flops_per_sequence * s.training.micro_batch;
  return flops_per_gpu / (s.hardware.gpu_peak_flops * s.hardware.gpu_effective_fraction);
}

TrainingTraffic make_training_traffic(const Scenario& s) {
  TrainingTraffic t;
  t.layers = static_cast<int>(s.model.layers);
  const double compute_s = compute_time_per_iteration_s(s);
  const double passes = s.training.activation_recomputation ? 4.0 : 3.0;
  t.forward_s_per_layer = compute_s / passes / t.layers;
  t.backward_s_per_layer = compute_s * (passes - 1) / passes / t.layers;
  const double n = s.machines;
  const double layer_bytes =
      static_cast<double>(parameter_count(s.model)) * s.training.weight_bytes_per_param / t.layers;
  t.allgather_bytes_per_layer = layer_bytes * (n - 1) / n;
  t.reduce_scatter_bytes_per_layer = t.allgather_bytes_per_layer;
  return t;
}

namespace {

struct Op {
  bool is_comm = false;
  double amount = 0;  // bytes (comm) or seconds (compute)
  std::vector<int> deps;
  double start_s = -1;
  double end_s = -1;
};

// Builds the op graph; network ops are serial on the NIC, compute ops serial on the GPUs.
class IterationGraph {
 public:
  int add_compute(double seconds, std::vector<int> deps) { return add(false, seconds, std::move(deps), last_compute_); }
  int add_comm(double bytes, std::vector<int> deps) {
    const int id = add(true, bytes, std::move(deps), last_comm_);
    comm_order_.push_back(id);
    return id;
  }
  std::vector<Op>& ops() { return ops_; }
  const std::vector<int>& comm_order() const { return comm_order_; }

 private:
  int add(bool comm, double amount, std::vector<int> deps, int& last_in_chain) {
    if (last_in_chain >= 0) deps.push_back(last_in_chain);
    ops_.push_back({comm, amount, std::move(deps)});
    last_in_chain = static_cast<int>(ops_.size()) - 1;
    return last_in_chain;
  }
  std::vector<Op> ops_;
  std::vector<int> comm_order_;
  int last_compute_ = -1;
  int last_comm_ = -1;
};

// Executes the graph with SimGrid activities: a comm op is a pair of flows (a->b and b->a).
void run_graph(std::vector<Op>& ops, sg4::Host* a, sg4::Host* b) {
  const double t0 = sg4::Engine::get_clock();
  std::vector<std::vector<int>> dependents(ops.size());
  std::vector<size_t> waiting_on(ops.size());
  std::vector<int> ready;
  for (size_t i = 0; i < ops.size(); ++i) {
    waiting_on[i] = ops[i].deps.size();
    for (int d : ops[i].deps) dependents[d].push_back(static_cast<int>(i));
    if (waiting_on[i] == 0) ready.push_back(static_cast<int>(i));
  }
  std::vector<sg4::ActivityPtr> running;
  std::vector<int> running_op;
  std::vector<int> pending_flows(ops.size(), 0);
  auto start = [&](int i) {
    Op& op = ops[i];
    op.start_s = sg4::Engine::get_clock() - t0;
    if (op.is_comm) {
      running.push_back(sg4::Comm::sendto_async(a, b, static_cast<uint64_t>(op.amount)));
      running.push_back(sg4::Comm::sendto_async(b, a, static_cast<uint64_t>(op.amount)));
      running_op.insert(running_op.end(), {i, i});
      pending_flows[i] = 2;
    } else {
      running.push_back(sg4::this_actor::exec_init(op.amount)->set_host(a)->start());
      running_op.push_back(i);
      pending_flows[i] = 1;
    }
  };
  while (!ready.empty() || !running.empty()) {
    for (int i : ready) start(i);
    ready.clear();
    const auto k = static_cast<size_t>(sg4::Activity::wait_any(running));
    const int finished = running_op[k];
    running.erase(running.begin() + static_cast<long>(k));
    running_op.erase(running_op.begin() + static_cast<long>(k));
    if (--pending_flows[finished] > 0) continue;
    ops[finished].end_s = sg4::Engine::get_clock() - t0;
    for (int d : dependents[finished]) {
      if (--waiting_on[d] == 0) ready.push_back(d);
    }
  }
}

void add_chunks(IterationGraph& g, int64_t count, double chunk_bytes) {
  for (int64_t c = 0; c < count; ++c) g.add_comm(chunk_bytes, {});
}

}  // namespace

IterationTimeline simulate_iteration(const Platform& platform, const TrainingTraffic& t,
                                     CheckpointTraffic mode, const ChunkPacking* chunks) {
  const bool networked = platform.machines.size() >= 2 && t.allgather_bytes_per_layer > 0;
  const int L = t.layers;
  IterationGraph g;
  size_t span_index = 0;
  // Interleaved chunks follow the k-th network op, filling the idle span measured after it.
  auto after_comm = [&] {
    if (mode == CheckpointTraffic::interleaved && chunks && span_index < chunks->chunks_in_span.size()) {
      add_chunks(g, chunks->chunks_in_span[span_index], chunks->chunk_bytes);
    }
    ++span_index;
  };
  std::vector<int> ag_f(L + 1, -1), fwd(L + 1, -1), ag_b(L + 2, -1), bwd(L + 2, -1);
  auto comm = [&](double bytes, std::vector<int> deps) {
    if (!networked) return -1;
    const int id = g.add_comm(bytes, std::move(deps));
    after_comm();
    return id;
  };
  auto live = [](std::initializer_list<int> ids) {
    std::vector<int> v;
    for (int id : ids) if (id >= 0) v.push_back(id);
    return v;
  };
  // Forward: all-gather layer l while layer l-1 computes (one layer of prefetch).
  for (int l = 1; l <= L; ++l) {
    ag_f[l] = comm(t.allgather_bytes_per_layer, live({l >= 3 ? fwd[l - 2] : -1}));
    fwd[l] = g.add_compute(t.forward_s_per_layer, live({ag_f[l]}));
  }
  // Backward from the last layer: all-gather ahead, reduce-scatter each layer's gradients.
  for (int l = L; l >= 1; --l) {
    ag_b[l] = comm(t.allgather_bytes_per_layer, live({l <= L - 2 ? bwd[l + 2] : -1}));
    if (l < L) comm(t.reduce_scatter_bytes_per_layer, live({bwd[l + 1]}));
    bwd[l] = g.add_compute(t.backward_s_per_layer, live({ag_b[l]}));
  }
  comm(t.reduce_scatter_bytes_per_layer, live({bwd[1]}));
  if (chunks && networked) {
    const int64_t tail = mode == CheckpointTraffic::blocking ? chunks->total_chunks
                         : mode == CheckpointTraffic::interleaved ? chunks->leftover_chunks
                                                                  : 0;
    // The NIC chain already orders these after the last reduce-scatter, which waits for the
    // last backward compute: blocking transfers start once the iteration's work is done.
    add_chunks(g, tail, chunks->chunk_bytes);
  }

  const MachineHosts& a = platform.machines.at(0);
  sg4::Host* peer = networked ? platform.machines[1].gpu : a.gpu;
  run_graph(g.ops(), a.gpu, peer);

  IterationTimeline tl;
  for (const Op& op : g.ops()) tl.iteration_s = std::max(tl.iteration_s, op.end_s);
  const auto& order = g.comm_order();
  for (size_t k = 0; k < order.size(); ++k) {
    const Op& op = g.ops()[order[k]];
    tl.network_busy_s += op.end_s - op.start_s;
    if (k + 1 < order.size()) tl.idle_spans.push_back({op.end_s, g.ops()[order[k + 1]].start_s});
  }
  return tl;
}

}  // namespace gemini
