#include "compare_sharing.hpp"

#include <algorithm>

namespace gemini::compare {

double share(double runnable, int cpus) { return std::max(1.0, runnable / std::max(1, cpus)); }

double tcp_slowdown(double runnable, int cpus) {
  const int c = std::max(1, cpus);
  return std::max(1.0, runnable * std::min(2, c) / (2.0 * c));
}

bool measured_with(const ConcurrentCost& many, int n) { return n >= 2 && n == many.concurrency; }

double tcp_thread_load(const HostCosts& k, int cpus, double bytes) {
  const int n = k.tcp_concurrent.concurrency;
  const double all_busy = tcp_slowdown(2.0 * n, cpus);
  if (n < 2 || all_busy <= 1.0 || k.tcp_concurrent.each.bandwidth_bytes_per_s <= 0) return 1.0;
  const double measured = k.tcp_concurrent.each.seconds(bytes) / k.tcp.seconds(bytes);
  return std::clamp(measured / all_busy, 1.0 / all_busy, 1.0);
}

double disk_shared_s(const LinearCost& one, const ConcurrentCost& many, int n, double bytes) {
  if (measured_with(many, n)) return many.each.seconds(bytes);
  return one.alpha_s + std::max(1, n) * bytes / one.bandwidth_bytes_per_s;
}

double disk_last_reader_s(const LinearCost& one, const ConcurrentCost& many, int n, double bytes) {
  if (measured_with(many, n) && many.slowest) return many.slowest->seconds(bytes);
  return disk_shared_s(one, many, n, bytes);
}

bool beside_memory_split(const HostCosts& k, int n_disk, int others) {
  return others > 0 && measured_with(k.disk_read_beside_memory, n_disk) && k.disk_read_beside_memory.neighbours == others;
}

double disk_recovery_read_s(const HostCosts& k, int n_disk, int others, double bytes) {
  if (beside_memory_split(k, n_disk, others)) return k.disk_read_beside_memory.last().seconds(bytes);
  return disk_last_reader_s(k.disk_read, k.disk_read_concurrent, n_disk, bytes);
}

double peer_fetch_transfer_s(const HostCosts& k, double slowdown, double cpu_share, double bytes) {
  if (k.tcp_fresh) return slowdown * k.tcp_fresh->seconds(bytes);
  return slowdown * k.tcp.seconds(bytes) +
         cpu_share * std::max(0.0, k.shm_read_fresh.seconds(bytes) - k.memcpy.seconds(bytes));
}

double cpu_shared_s(const LinearCost& one, const ConcurrentCost& many, int n, double cpu_share, double bytes) {
  if (measured_with(many, n)) return many.each.seconds(bytes);
  return cpu_share * one.seconds(bytes);
}

}  // namespace gemini::compare
