// How the ranks of a real/ run, all on one host, share it (used by compare_model.cpp):
//   - CPU: k single-threaded tasks runnable at once on C logical CPUs each run max(1, k / C)
//     times slower than the benchmark, which ran alone (C = environment.cpu_count); a checksum
//     spreads over the run's --threads threads per rank;
//   - the disk: n ranks writing or reading at once move n images through one device;
//   - loopback TCP: a transfer's two threads, at the load the concurrent benchmark shows.
// Where a concurrent benchmark ran with the run's number of tasks, its measured cost is used.
#pragma once
#include "gemini/compare.hpp"

namespace gemini::compare {

// How many times slower a task runs with `runnable` tasks on `cpus` CPUs (at least 1).
double share(double runnable, int cpus);

// A TCP transfer needs its sender and receiver thread; the benchmark ran them on min(2, C)
// CPUs. With `runnable` threads sharing C CPUs each thread gets C / runnable of one.
double tcp_slowdown(double runnable, int cpus);

// Whether the concurrent benchmark ran with exactly the run's n tasks at once.
bool measured_with(const ConcurrentCost& many, int n);

// How much of a CPU one thread of a TCP transfer keeps busy (1: all the time). A loopback
// transfer's threads also wait on each other, so the concurrent benchmark's n transfers (2n
// threads) slowed each by less than tcp_slowdown(2n, C), which counts every thread runnable
// all the time; the ratio is their load. 1 where the benchmark is missing or its threads fit
// the CPUs (nothing to learn from it).
double tcp_thread_load(const HostCosts& k, int cpus, double bytes);

// Seconds for each of `n` ranks moving `bytes` through the one disk at once: the concurrent
// benchmark's cost when it ran with exactly n, else n images through the single-writer
// bandwidth (which misses the cost of concurrent fsyncs: docs/VALIDATION.md).
double disk_shared_s(const LinearCost& one, const ConcurrentCost& many, int n, double bytes);

// Seconds until the last of `n` ranks reading through the one disk at once is done (a recovery
// waits for it): the concurrent benchmark's slowest reader per round where it recorded that,
// else the per-reader cost of disk_shared_s.
double disk_last_reader_s(const LinearCost& one, const ConcurrentCost& many, int n, double bytes);

// Whether the beside-memory read benchmark ran with the split a recovery has: `n_disk` ranks
// reading from disk while the `others` retrieve from memory or peers.
bool beside_memory_split(const HostCosts& k, int n_disk, int others);

// Seconds until the last of a recovery's `n_disk` cold readers is done while its `others` ranks
// retrieve from memory or peers. Beside them the readers got about the beside-memory
// benchmark's rate for the whole read, not only while the others streamed
// (results/cpu/disk-read-pairs/summary.txt), so it is charged for all of it.
double disk_recovery_read_s(const HostCosts& k, int n_disk, int others, double bytes);

// Seconds of one peer fetch's transfer (holder's segment to the restarted rank's new buffer)
// with its threads slowed to `slowdown` and its other CPU work to `cpu_share`: tcp-loopback-fresh,
// measured on that path (both ends fault their pages in), where the profile has it; else the
// resident-buffer transfer plus an estimate of the receiver's faults (a copy out of a fresh
// shm mapping minus a copy between resident buffers).
double peer_fetch_transfer_s(const HostCosts& k, double slowdown, double cpu_share, double bytes);

// Seconds for each of `n` single-threaded tasks on the CPUs at once: the concurrent benchmark's
// cost when it ran with exactly n (time-sharing and the memory bus measured together), else the
// lone benchmark slowed by the CPU share.
double cpu_shared_s(const LinearCost& one, const ConcurrentCost& many, int n, double cpu_share, double bytes);

}  // namespace gemini::compare
