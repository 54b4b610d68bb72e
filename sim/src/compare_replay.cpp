#include "compare_replay.hpp"

#include <algorithm>
#include <deque>
#include <iterator>
#include <set>

namespace gemini::compare {
namespace {

// A rank's stores keep their two newest checkpoints.
void keep_two(std::deque<int64_t>& d, int64_t it) {
  d.push_back(it);
  while (d.size() > 2) d.pop_front();
}
bool holds(const std::deque<int64_t>& d, int64_t it) { return std::find(d.begin(), d.end(), it) != d.end(); }

struct RankState {
  std::deque<int64_t> memory, disk, replica;  // replica: held by this rank's peer holder
};

// Whether the rank's next memory save is into a slot its process has not mapped yet: its first
// save, and its second unless it restored from that slot of its own memory.
bool fresh_slot(int memory_saves_in_generation, bool restored_own_memory) {
  return memory_saves_in_generation == 1 || (memory_saves_in_generation == 2 && !restored_own_memory);
}

// Failure f: what each rank can still load (losing a machine loses its ranks' memory and the
// replicas it holds), the newest iteration all share, and where each rank loads it from.
FailurePrediction predict_failure(const RunCosts& costs, const MeasuredFailure& f, std::vector<RankState>& ranks) {
  const MeasuredRun& run = costs.run;
  const int R = run.ranks, holders = costs.holders;
  std::set<int> lost_machines;
  if (f.kind == "machine") lost_machines.insert(f.targets.begin(), f.targets.end());
  for (int r = 0; r < R; ++r) {
    const int machine = r / run.ranks_per_machine;
    if (lost_machines.count(machine)) ranks[static_cast<size_t>(r)].memory.clear();
    // The replica of rank r sits on the next machine(s) of its group: lost with them.
    if (holders > 0) {
      bool holder_alive = false;
      for (int h = 1; h <= holders; ++h) holder_alive |= !lost_machines.count((machine + h) % run.machines);
      if (!holder_alive) ranks[static_cast<size_t>(r)].replica.clear();
    }
  }
  std::set<int64_t> common;
  for (int r = 0; r < R; ++r) {
    const RankState& s = ranks[static_cast<size_t>(r)];
    std::set<int64_t> mine(s.memory.begin(), s.memory.end());
    mine.insert(s.disk.begin(), s.disk.end());
    mine.insert(s.replica.begin(), s.replica.end());
    if (r == 0) {
      common = mine;
    } else {
      std::set<int64_t> both;
      std::set_intersection(common.begin(), common.end(), mine.begin(), mine.end(), std::inserter(both, both.begin()));
      common = std::move(both);
    }
  }
  FailurePrediction p;
  p.resumed = common.empty() ? 0 : *common.rbegin();
  p.lost = f.iteration - p.resumed;
  p.rank_tiers.assign(static_cast<size_t>(R), "none");
  if (common.empty()) return p;
  for (int r = 0; r < R; ++r) {
    const RankState& s = ranks[static_cast<size_t>(r)];
    std::string& t = p.rank_tiers[static_cast<size_t>(r)];
    t = holds(s.memory, p.resumed) ? "memory" : holds(s.replica, p.resumed) ? "peer" : "disk";
    p.tiers[t] += 1;
  }
  p.tier = p.tiers.size() == 1 ? p.tiers.begin()->first : "mixed";
  const RunCosts::Retrieval retrieval = costs.retrieval(p.rank_tiers, f.busiest_cpu_ranks);
  p.retrieval_s = retrieval.seconds;
  p.retrieval_by_layout = retrieval.by_layout;
  const auto peers = p.tiers.find("peer");
  p.load_s = costs.restore_s(R + (peers == p.tiers.end() ? 0 : peers->second));
  return p;
}

}  // namespace

Replay replay_run(const RunCosts& costs) {
  const MeasuredRun& run = costs.run;
  const int R = run.ranks;
  const double T = run.step_mean_s;
  const bool use_memory = costs.use_memory, gemini = costs.gemini;
  const int holders = costs.holders;
  const double start_delay_s = replication_start_delay_s(run);
  Replay out;
  std::vector<RankState> ranks(static_cast<size_t>(R));
  std::vector<bool> restored_own_memory(static_cast<size_t>(R), false);  // this generation's recovery
  int64_t start = 0;
  double last_submit_iteration = -1, last_background_s = 0;
  for (size_t g = 0; g <= run.failures.size(); ++g) {
    const bool failed = g < run.failures.size();
    const int64_t end = failed ? run.failures[g].iteration : run.iterations;
    out.trained_iterations += std::max<int64_t>(0, end - start);
    int memory_saves_in_generation = 0, puts_in_generation = 0;
    last_submit_iteration = -1;  // a new generation has a new (idle) replicator
    for (int64_t it = start + 1; it <= end; ++it) {
      if (failed && it == end) break;  // killed once a rank reports this iteration
      const bool ckpt = it % run.interval == 0;
      const bool persist = run.strategy == "disk" ? ckpt
                                                  : (run.persistent_interval > 0 && it % run.persistent_interval == 0);
      if (!ckpt && !persist) continue;
      double wait_s = 0;  // gemini: the previous checkpoint's replication still running
      if (gemini && last_submit_iteration >= 0) {
        wait_s = std::max(0.0, start_delay_s + last_background_s - (static_cast<double>(it) - last_submit_iteration) * T);
      }
      std::vector<double> mem_s(static_cast<size_t>(R), 0.0);
      if (use_memory && ckpt) {
        ++memory_saves_in_generation;
        for (int r = 0; r < R; ++r) {
          const bool fresh = fresh_slot(memory_saves_in_generation, restored_own_memory[static_cast<size_t>(r)]);
          mem_s[static_cast<size_t>(r)] = fresh ? costs.mem_fresh_s : costs.mem_mapped_s;
          (fresh ? out.memory_saves_untouched_slot : out.memory_saves_touched_slot).push_back(mem_s[static_cast<size_t>(r)]);
        }
      }
      std::vector<double> d_s(static_cast<size_t>(R), 0.0);
      if (persist) {
        bool from_starts = false;
        d_s = costs.disk_round_s(g, it, &from_starts);
        ++out.disk_rounds;
        out.disk_rounds_from_starts += from_starts;
        out.disk_saves.insert(out.disk_saves.end(), d_s.begin(), d_s.end());
      }
      const double before_store_s = wait_s + costs.copy_s + costs.sum_s;
      double slowest_store_s = 0;  // the next step's all-reduce waits for the slowest rank's save
      for (int r = 0; r < R; ++r) {
        const double store_s = mem_s[static_cast<size_t>(r)] + d_s[static_cast<size_t>(r)];
        out.stall.push_back(before_store_s + store_s);
        if (use_memory) (persist ? out.stall_with_disk : out.stall_memory_only).push_back(out.stall.back());
        slowest_store_s = std::max(slowest_store_s, store_s);
      }
      out.copies.push_back(costs.copy_s);
      out.sums.push_back(costs.sum_s);
      out.total_stall_s += before_store_s + slowest_store_s;
      if (use_memory && ckpt) out.frequent_stalls.push_back(before_store_s + *std::max_element(mem_s.begin(), mem_s.end()));
      for (RankState& r : ranks) {
        if (use_memory && ckpt) keep_two(r.memory, it);
        if (persist) keep_two(r.disk, it);
      }
      if (gemini && ckpt && holders > 0) {
        ++puts_in_generation;
        const double put = puts_in_generation <= 2 ? costs.put_fresh_s : costs.put_warm_s;
        for (int h = 0; h < holders; ++h) out.puts.push_back(put);
        last_background_s = holders * put;
        out.backgrounds.push_back(last_background_s);
        last_submit_iteration = static_cast<double>(it);
        // Held by the peer once acknowledged: before the failure, if there is time for it.
        const double until_failure_s = failed ? (static_cast<double>(end - it)) * T : 1e300;
        if (start_delay_s + last_background_s <= until_failure_s) {
          for (RankState& r : ranks) keep_two(r.replica, it);
        }
      }
    }
    if (!failed) break;
    const FailurePrediction p = predict_failure(costs, run.failures[g], ranks);
    for (int r = 0; r < R; ++r) restored_own_memory[static_cast<size_t>(r)] = p.rank_tiers[static_cast<size_t>(r)] == "memory";
    out.failures.push_back(p);
    start = p.resumed;
  }
  return out;
}

}  // namespace gemini::compare
