#include "compare_costs.hpp"

#include <algorithm>
#include <cmath>

#include "compare_sharing.hpp"

namespace gemini::compare {

RunCosts::RunCosts(const MeasuredRun& r, const HostCosts& costs, DiskOverlap disk_overlap)
    : run(r), k(costs), image_bytes(r.image_bytes), ranks(r.ranks),
      cpus(r.cpu_count > 0 ? r.cpu_count : std::max(1, costs.logical_cpus)), threads(std::max(1, r.threads)),
      use_memory(r.strategy == "memory" || r.strategy == "gemini"), gemini(r.strategy == "gemini"),
      holders(gemini ? std::max(0, r.replicas - 1) : 0), on_gpu(runs_on_gpu(r)) {
  const double b = image_bytes;
  const int R = ranks, C = cpus;
  const int gpus = std::max(1, run.gpus_used);
  ranks_per_gpu = (R + gpus - 1) / gpus;
  tcp_load = tcp_thread_load(k, C, b);
  // Saves: every rank saves at the same iterations.
  save_share = share(R, C);
  copy_s = on_gpu ? k.gpu_to_cpu.alpha_s + ranks_per_gpu * b / k.gpu_to_cpu.bandwidth_bytes_per_s
                  : cpu_shared_s(k.memcpy, k.memcpy_concurrent, R, save_share, b);
  sum_s = checksum_s(static_cast<double>(R) * threads);
  mem_fresh_s = cpu_shared_s(k.shm_write_fresh, k.shm_write_fresh_concurrent, R, save_share, b);
  mem_mapped_s = cpu_shared_s(k.memcpy, k.memcpy_concurrent, R, save_share, b);
  // A disk save: the R ranks write their images to the one disk, each paying the concurrent
  // writers' cost when all start at once. Where the run lists when each rank started writing,
  // they finish together (disk_overlap.hpp): a rank starting d after the first takes that cost
  // less d. A fair share of the disk over the starts, which compare used from 18:06 to 00:20 on
  // 2026-11-27/28, predicted early starters' savings that do not happen (docs/VALIDATION.md
  // "Disk saves").
  disk_s = disk_shared_s(k.disk_write, k.disk_write_concurrent, R, b);
  lone_disk_s_ = k.disk_write.seconds(b);
  overlap_from_starts_ = disk_overlap == DiskOverlap::finish_together && measured_with(k.disk_write_concurrent, R);
  // Replication (gemini): training (R threads), R senders and R receivers (checksumming on t
  // threads each) run at once. With the concurrent loopback benchmark measured for R transfers,
  // their cost is measured (how a transfer's two threads share the CPUs with the others') and
  // training's R threads, busy all the time, scale it by the runnable threads' share, the
  // transfers' 2R threads counted at their measured load (tcp_thread_load); else the lone
  // transfer is slowed as if all 3R threads ran all the time.
  const double repl_runnable = 3.0 * R;
  const double training_scale = share(R + 2.0 * R * tcp_load, C) / share(2.0 * R * tcp_load, C);
  transfers_measured = measured_with(k.tcp_concurrent, R);
  const double transfer_s = transfers_measured ? k.tcp_concurrent.each.seconds(b) * training_scale
                                               : tcp_slowdown(repl_runnable, C) * k.tcp.seconds(b);
  const double fresh_extra_s = std::max(0.0, k.shm_write_fresh.seconds(b) - k.memcpy.seconds(b));
  // The receivers' own CPU work (verifying the image; faulting in a fresh slot) after the
  // transfers: with the transfers measured together, the R receivers' lone costs share the C
  // CPUs (R / C times each where R > C; the checksum on t threads each), scaled for training
  // like the transfers; else each is slowed as if all 3R threads ran all the time (an upper
  // bound).
  auto put_s = [&](bool fresh_slot) {
    const double extra_s = fresh_slot ? fresh_extra_s : 0.0;
    if (transfers_measured) {
      return transfer_s +
             (share(R * threads, C) * k.checksum.seconds(b) / threads + share(R, C) * extra_s) * training_scale;
    }
    return transfer_s + checksum_s(R * (2.0 + threads)) + share(repl_runnable, C) * extra_s;
  };
  put_warm_s = put_s(false);
  put_fresh_s = put_s(true);
}

double RunCosts::checksum_s(double runnable) const {
  // One thread per rank is what the concurrent checksum benchmark measures; it stands only for
  // its own whole number of hashing threads.
  const int whole = runnable == std::round(runnable) ? static_cast<int>(runnable) : 0;
  if (threads == 1) return cpu_shared_s(k.checksum, k.checksum_concurrent, whole, share(runnable, cpus), image_bytes);
  return share(runnable, cpus) * k.checksum.seconds(image_bytes) / threads;
}

double RunCosts::restore_s(int runnable) const {
  return on_gpu ? k.cpu_to_gpu.alpha_s + ranks_per_gpu * image_bytes / k.cpu_to_gpu.bandwidth_bytes_per_s
                : cpu_shared_s(k.memcpy, k.memcpy_concurrent, runnable, share(runnable, cpus), image_bytes);
}

double RunCosts::fetch_runnable(int n_peer) const { return (ranks - n_peer) + 2.0 * n_peer * tcp_load; }

double RunCosts::fetch_hashing(double runnable) const {
  return runnable - ranks + static_cast<double>(ranks) * threads;
}

std::vector<double> RunCosts::disk_round_s(size_t generation, int64_t iteration, bool* from_starts) const {
  *from_starts = false;
  std::vector<double> all_at_once(static_cast<size_t>(ranks), disk_s);
  if (!overlap_from_starts_) return all_at_once;
  const auto found = run.disk_save_starts_s.find({static_cast<int64_t>(generation), iteration});
  if (found == run.disk_save_starts_s.end()) return all_at_once;
  const std::vector<double>& starts = found->second;
  if (std::any_of(starts.begin(), starts.end(), [](double s) { return std::isnan(s); })) return all_at_once;
  *from_starts = true;
  return finish_together_seconds(starts, disk_s, lone_disk_s_);
}

bool RunCosts::own_memory_retrievals_measured() const {
  return threads == 1 && measured_with(k.memory_retrieval_concurrent, ranks);
}

const ConcurrentCost* RunCosts::own_memory_layout_cost(int busiest_cpu_ranks) const {
  const auto found = k.memory_retrieval_busiest.find(busiest_cpu_ranks);
  if (threads != 1 || found == k.memory_retrieval_busiest.end() || !measured_with(found->second, ranks)) return nullptr;
  return &found->second;
}

RunCosts::Retrieval RunCosts::retrieval(const std::vector<std::string>& tiers, int busiest_cpu_ranks) const {
  // Every rank from its own memory store at once (a process failure's recovery): the concurrent
  // benchmark of that retrieval, measured for as many processes, until its slowest is done.
  // Copy and checksum charged apart at their per-process costs fell 35-44% short of the runs
  // (docs/VALIDATION.md "Own-memory retrievals"). Where the run says how many ranks began on
  // the busiest CPU, the benchmark pinned so: with more ranks than CPUs that count sets the
  // slowest, and unpinned the benchmark's processes get moved where the ranks mostly are not
  // (docs/VALIDATION.md "Where the ranks ran").
  const bool all_memory = std::all_of(tiers.begin(), tiers.end(), [](const std::string& t) { return t == "memory"; });
  if (all_memory && static_cast<int>(tiers.size()) == ranks) {
    if (const ConcurrentCost* pinned = own_memory_layout_cost(busiest_cpu_ranks)) return {pinned->last().seconds(image_bytes), true};
    if (own_memory_retrievals_measured()) return {k.memory_retrieval_concurrent.last().seconds(image_bytes), false};
  }
  const int n_peer = static_cast<int>(std::count(tiers.begin(), tiers.end(), "peer"));
  const int n_disk = static_cast<int>(std::count(tiers.begin(), tiers.end(), "disk"));
  // All ranks retrieve at once, the peer fetches with their holders' service threads.
  const double runnable = fetch_runnable(n_peer);
  const double c = share(runnable, cpus);
  const double verify_s = checksum_s(fetch_hashing(runnable));
  double slowest_s = 0;
  for (const std::string& t : tiers) {
    double s = verify_s;
    if (t == "memory") {
      s += c * k.shm_read_fresh.seconds(image_bytes);
    } else if (t == "peer") {
      s += peer_fetch_transfer_s(k, tcp_slowdown(runnable, cpus), c, image_bytes);
    } else {
      s += disk_recovery_read_s(k, n_disk, ranks - n_disk, image_bytes);
    }
    slowest_s = std::max(slowest_s, s);
  }
  return {slowest_s, false};
}

}  // namespace gemini::compare
