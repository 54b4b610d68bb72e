// The microbenchmarks: host memcpy, disk write to durability and cold read, loopback TCP, GPU.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gemini/calibrate/results.hpp"

namespace gemini::calibrate {

// Prints "[3/12] disk-write 256 MiB: median 0.41 s (3 reps, 655 MB/s)" lines to stderr; a
// concurrent benchmark's line ends with its rounds' slowest participant ("; slowest 0.52 s").
class Progress {
 public:
  explicit Progress(int total_steps, bool quiet = false) : total_(total_steps), quiet_(quiet) {}
  void step(const std::string& benchmark, double bytes, const Stats& stats, const Stats* slowest = nullptr);
  void note(const std::string& line);  // "  disk-read-cold: ..." free text
  int done() const { return done_; }
  void set_total(int total_steps) { total_ = total_steps; }

 private:
  int total_;
  int done_ = 0;
  bool quiet_;
};

// Records one size's statistics in `r` (with each round's slowest participant, for a concurrent
// benchmark that records it) and reports them as a progress step.
void add_point(BenchmarkResult& r, uint64_t bytes, const Stats& stats, Progress& progress,
               nlohmann::json extra = nlohmann::json::object(), std::optional<Stats> slowest = std::nullopt);

// The results of a write/read pair of benchmarks that were wanted, fitted, in that order.
std::vector<BenchmarkResult> fitted_pair(BenchmarkResult write, bool want_write, BenchmarkResult read,
                                         bool want_read);

struct SweepConfig {
  std::vector<uint64_t> sizes;  // bytes, ascending
  int reps_max = 10;            // repetitions at small sizes (see reps_for_size)
  int reps_min = 3;             // and at least this many at big sizes
  int warmups = 1;              // untimed runs before each size (none from 1 GiB up)
  double time_limit_s = 0;      // per benchmark: larger sizes are skipped past it; 0 = none
  // Disk writes only: untimed pause before each run (round), like the seconds between two
  // checkpoints. Some VMs hand freed guest memory back to the host, and the page cache (buffered
  // files) then costs far more to fill after a pause than in back-to-back runs
  // (docs/CALIBRATION.md).
  double rest_s = 0;
  // Disk benchmarks only: O_DIRECT where the file system allows it, like real/'s default
  // --disk-io direct; false: through the page cache (--disk-io buffered).
  bool direct_io = true;
  // Retrieval benchmarks only (disk-read-cold*, shm-read-fresh, tcp-loopback-fresh and the memory
  // streamers beside readers): read into resident memory, as real/'s restarted ranks do (their
  // HostBuffer is written once when they start); false: into memory the read faults in
  // (--landing untouched; buffer.hpp LandingBuffer).
  bool landing_resident = true;
  // memory-retrieval-concurrent only: process i runs only on CPU pin_cpus[i] (--pin-cpus), to
  // measure one layout of the ranks on the CPUs; empty: wherever the kernel puts it.
  std::vector<int> pin_cpus;
};

int warmups_for_size(uint64_t bytes, int warmups);

// Time guard of a sweep, checked before size `next` (never before the third size): true (and a note in `r` and on stderr
// naming the sizes left out) when the time spent since `t_start` plus `predicted_next_s` (the
// last size's seconds per run, scaled to the next size, times its runs) exceeds the limit.
bool sweep_over_time_limit(const SweepConfig& cfg, double t_start, size_t next, double predicted_next_s,
                           BenchmarkResult& r, Progress& progress);
// Seconds the runs of size cfg.sizes[next] should take, from the last point's per-run seconds.
double predict_next_s(const SweepConfig& cfg, size_t next, double last_bytes, double last_per_run_s);
// The same from the last point of `r` (its median seconds per run; 0 before the first point).
double predict_next_point_s(const SweepConfig& cfg, size_t next, const BenchmarkResult& r);

// memcpy between two pre-faulted buffers.
BenchmarkResult bench_host_memcpy(const SweepConfig& cfg, Progress& progress);

// Two results: "disk-write" (open + write + fsync + close + rename + fsync(dir), in a fresh
// temporary directory under `dir`) and "disk-read-cold" (after POSIX_FADV_DONTNEED, checked
// with mincore). Each counts as one progress step per size.
std::vector<BenchmarkResult> bench_disk(const SweepConfig& cfg, const std::string& dir,
                                        bool want_write, bool want_read, Progress& progress);

// `threads` (>= 2) threads at once, each on its own pre-faulted buffers, caches flushed before
// each round: "host-memcpy-concurrent" (memcpy) or "checksum-xxh64-concurrent" (XXH64). Bytes and
// seconds are per thread, sizes from concurrent_sizes(): the copies and checksums of real/'s
// ranks when they all save or restore at one iteration (CPU time-sharing and the memory bus).
BenchmarkResult bench_host_concurrent(const SweepConfig& cfg, const std::string& name, int threads, Progress& progress);

// `pairs` (>= 2) loopback TCP transfers at once, each its own connection with its own sender and
// receiver thread ("tcp-loopback-concurrent"): bytes and seconds per transfer, sizes from
// concurrent_sizes(). What real/'s ranks pay when they all replicate at one iteration.
BenchmarkResult bench_tcp_loopback_concurrent(const SweepConfig& cfg, int pairs, Progress& progress);

// `processes` (>= 2) processes at once, each copying its own pre-faulted buffer into a fresh
// mapping of its own /dev/shm file ("shm-write-fresh-concurrent"): bytes and seconds per process,
// sizes from concurrent_sizes(). real/'s ranks saving into memory-store slots they have not
// mapped yet, all at one iteration (CPU time-sharing, page faults, the memory bus).
BenchmarkResult bench_shm_write_fresh_concurrent(const SweepConfig& cfg, int processes, Progress& progress);

// `processes` (>= 2) processes at once, each retrieving its own image from its memory store as
// real/ does (copy out of a fresh mapping of its own /dev/shm file into its landing, per
// cfg.landing_resident, then XXH64 over the copy; "memory-retrieval-concurrent"): bytes and
// seconds per process, with the slowest of each round. A process failure's recovery under the
// memory strategies, whose ranks all retrieve at once and go on when the last is done.
BenchmarkResult bench_memory_retrieval_concurrent(const SweepConfig& cfg, int processes, Progress& progress);

// The CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> allowed_cpus();
// The layouts "memory-retrieval-busiest" pins `processes` to on `cpus` (ascending, at least
// one): for each k from ceil(processes / cpus) to processes, k processes on the first CPU and
// the others dealt in turn over the rest (none of which gets more than k); entry i of a layout
// is process i's CPU. With more ranks than CPUs, a recovery's slowest own-memory retrieval is
// set by how many ranks began on the busiest CPU (docs/VALIDATION.md "Where the ranks ran").
std::vector<std::vector<int>> busiest_cpu_layouts(int processes, const std::vector<int>& cpus);
// memory-retrieval-concurrent once per busiest_cpu_layouts(processes, allowed_cpus()) layout,
// its processes pinned so: profile::busiest_retrieval_benchmark(K), K of them on one CPU. cfg.pin_cpus is
// not used.
std::vector<BenchmarkResult> bench_memory_retrieval_busiest(const SweepConfig& cfg, int processes, Progress& progress);

// The same pair with `writers` (>= 2) threads at once, each its own file in one directory
// ("disk-write-concurrent", "disk-read-cold-concurrent"): bytes and seconds per writer, sizes
// from concurrent_sizes(). What real/'s ranks pay when they all save or load at one iteration.
// stagger_ms > 0: writer j starts its write j x stagger_ms after the release (its time still
// counts from its own start), like ranks that reach a save at different moments.
// want_beside (writers >= 4): also "disk-read-cold-beside-memory", writers/2 of the files read
// cold at once while the other writers - writers/2 processes copy buffers of the same size over
// and over (a machine loss's disk readers beside the survivors' memory reads and checksums).
std::vector<BenchmarkResult> bench_disk_concurrent(const SweepConfig& cfg, const std::string& dir, int writers,
                                                   bool want_write, bool want_read, bool want_beside,
                                                   Progress& progress, double stagger_ms = 0);
// The sizes of cfg.sizes whose `writers` copies fit in its largest size (at least the smallest).
std::vector<uint64_t> concurrent_sizes(const SweepConfig& cfg, int writers);
// Time guard of a concurrent sweep of `threads` threads before size `next`: the last point's
// round median (its extra "round_median_s", release to every thread done) scaled to the next
// size, times that size's rounds (concurrent_rounds), each after sweep.rest_s.
bool concurrent_over_time_limit(const SweepConfig& sweep, double t_start, size_t next, int threads,
                                BenchmarkResult& r, Progress& progress);
// Untimed and timed rounds of a concurrent sweep at `bytes` per thread, by the bytes of all
// `threads` together.
struct Rounds {
  int warmups = 0, reps = 0;
};
Rounds concurrent_rounds(const SweepConfig& sweep, uint64_t bytes, int threads);

// XXH64 (real/'s checksum) over a pre-faulted buffer, caches flushed: "checksum-xxh64".
BenchmarkResult bench_checksum(const SweepConfig& cfg, Progress& progress);

// Copies into ("shm-write-fresh") and out of ("shm-read-fresh") a fresh mapping of a /dev/shm
// file: what real/'s MemoryStore pays the first time a process touches a slot.
std::vector<BenchmarkResult> bench_shm_fresh(const SweepConfig& cfg, bool want_write, bool want_read,
                                             Progress& progress);

// The model's own costs from real/'s gemini-bench-model, run as a child process (calibrate does
// not link LibTorch): "model-capture", "model-restore" (seconds vs image bytes) and
// "model-iteration" (seconds vs FLOPs per step: beta is the effective FLOP/s). Skipped, with
// the reason, when `exe` is empty. The child prints its own progress lines.
struct ModelBenchConfig {
  std::string exe;    // path to gemini-bench-model ("" = not available)
  int threads = 0;    // its --threads (0: all CPUs)
  std::string sizes;  // its --sizes ("" = its default)
  std::string device; // its --device, e.g. cuda ("" = its default, cpu)
  bool quick = false;
};
std::vector<BenchmarkResult> bench_model(const ModelBenchConfig& cfg, const std::string& scratch_dir, Progress& progress);
// gemini-bench-model beside this build's calibrate (../real/ or the same directory), or "".
std::string find_model_bench(const std::string& calibrate_exe);

// One-way TCP throughput over 127.0.0.1 between two threads (send `bytes`, wait for a 1-byte ack),
// the receiver reading into one pre-faulted buffer ("tcp-loopback").
BenchmarkResult bench_tcp_loopback(const SweepConfig& cfg, Progress& progress);
// The same, each transfer received into memory no process has touched ("tcp-loopback-fresh"):
// real/'s peer fetch after a failure, where the restarted rank receives into a new HostBuffer.
BenchmarkResult bench_tcp_loopback_fresh(const SweepConfig& cfg, Progress& progress);

// GPU benchmarks. Without CUDA at build time, or without a usable GPU at run time, every
// wanted benchmark comes back skipped with the reason, and machine.gpu_status says it.
bool gpu_support_compiled();
bool nccl_support_compiled();
// Fills machine.gpus / cuda versions / gpu_status, runs the wanted GPU benchmarks
// (names from gpu_benchmark_names()).
std::vector<BenchmarkResult> bench_gpu(const SweepConfig& cfg, const std::vector<std::string>& wanted,
                                       MachineInfo& machine, Progress& progress);
const std::vector<std::string>& gpu_benchmark_names();
const std::vector<std::string>& cpu_benchmark_names();
const std::vector<std::string>& model_benchmark_names();
// The *-concurrent benchmarks: their sweep has concurrent_sizes(), not every size.
bool is_concurrent_benchmark(const std::string& name);

}  // namespace gemini::calibrate
