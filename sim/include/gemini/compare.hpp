// gemini-sim compare: measured runs of real/ (gemini-launch's run JSON, docs/REAL.md) against
// predictions from a calibrated host profile (gemini-calibrate's YAML, docs/CALIBRATION.md).
//
// Three kinds of figure appear in a comparison, and each row says which it is:
//   closed-form  predicted from the profile's alpha + bytes/beta costs and the run's
//                configuration, following what real/ does on that path (docs/VALIDATION.md);
//   engine       the SimGrid engine (run_trial on a Scenario built from the run, with plans
//                whose costs come from the same closed forms) replaying the run's failures;
//   input        taken from the measurement itself (process restart, failure detection, the
//                training step): not predicted, excluded from the error check.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemini/disk_overlap.hpp"
#include "gemini/hardware.hpp"
#include "gemini/hardware_profile_file.hpp"

namespace gemini::compare {

struct Spread {
  double median_s = 0, p10_s = 0, p90_s = 0;
  int64_t count = 0;
};

// The host costs a comparison needs, from a gemini-calibrate profile's `hardware:` block.
struct HostCosts {
  std::string path, name, source;
  std::string date_utc;  // when it was calibrated (empty in hand-written profiles)
  int logical_cpus = 0;
  // machine: where it was calibrated (empty where the profile does not say).
  std::string cpu_model, kernel;
  // machine: from this size up the calibrating host's glibc memcpy used non-temporal stores,
  // cheaper per byte than below (docs/CALIBRATION.md "The fit"); 0: unknown or an older profile.
  int64_t memcpy_non_temporal_threshold_bytes = 0;
  LinearCost memcpy;           // host_memcpy: pre-faulted buffers
  LinearCost checksum;         // checksum: XXH64, one thread
  LinearCost shm_write_fresh;  // copy into a /dev/shm mapping this process has not touched yet
  LinearCost shm_read_fresh;   // copy out of such a mapping
  LinearCost tcp;              // loopback_tcp: one connection, sender + receiver threads
  // loopback_tcp_fresh: the same, received into untouched memory like a peer fetch (absent from
  // profiles before 2026-11-28 20:00)
  std::optional<LinearCost> tcp_fresh;
  LinearCost disk_write;       // local_disk_write: write + fsync + rename + fsync(dir)
  LinearCost disk_read;        // local_disk_read: cold read
  // Costs of each of `concurrency` threads running together, from the *-concurrent benchmarks
  // (concurrency = 0 when the profile predates them). Used when a run has exactly that many
  // ranks copying, hashing, writing or reading at once, instead of the lone benchmark x a share.
  ConcurrentCost memcpy_concurrent, checksum_concurrent, disk_write_concurrent, disk_read_concurrent;
  ConcurrentCost tcp_concurrent;  // loopback transfers at once, each its own sender and receiver
  ConcurrentCost shm_write_fresh_concurrent;  // processes writing fresh shm mappings at once
  // Processes each retrieving its image from its memory store at once (copy out of a fresh shm
  // mapping, XXH64): a process failure's recovery under the memory strategies.
  ConcurrentCost memory_retrieval_concurrent;
  // The same with the processes pinned, K of them on one CPU (memory_retrieval_busiest_K, from
  // gemini-calibrate's memory-retrieval-busiest), by K: a recovery whose ranks began so.
  std::map<int, ConcurrentCost> memory_retrieval_busiest;
  // Cold readers at once beside `neighbours` processes reading and hashing memory-store images:
  // a machine loss's disk readers while the survivors retrieve from memory.
  ConcurrentCost disk_read_beside_memory;
  // A GPU profile's pinned copies (one GPU measured alone); absent from a CPU-only profile.
  bool has_gpu = false;
  LinearCost gpu_to_cpu;  // gpu_to_cpu: device-to-host into a pinned buffer
  LinearCost cpu_to_gpu;  // cpu_to_gpu: host-to-device from a pinned buffer
};

// Throws ConfigError ("file:line: message") on a missing file, bad YAML or a missing cost.
HostCosts load_host_costs(const std::string& path);

// The medians a calibration measured (gemini-calibrate --out-json), per benchmark, by size.
struct MeasuredSize {
  double bytes = 0, median_s = 0;
  std::optional<double> slowest_median_s;  // the slowest of a round's processes, where recorded
};
struct CalibrationMedians {
  std::string path, date_utc;
  std::map<std::string, std::vector<MeasuredSize>> by_benchmark;  // sizes ascending
};
// Throws RunFileError on unreadable JSON or a wrong layout.
CalibrationMedians load_calibration_medians(const std::string& path);
// The line alpha + bytes/B through the medians of the two measured sizes around `bytes` (the two
// nearest at either end): the calibration's own figures at a run's size, where a fitted line
// over 1 MB-1 GB can miss them. Where that line's intercept is negative, the line through the
// origin with the same time at `bytes`. Empty with fewer than two sizes or when time does not grow.
std::optional<LinearCost> secant_at(const std::vector<MeasuredSize>& sizes, double bytes, bool slowest);
// `fitted` with every cost it has a benchmark for replaced by that benchmark's secant at `bytes`;
// `replaced` (if given) gets the benchmarks used. Costs without usable medians keep their fit.
HostCosts costs_at_size(const HostCosts& fitted, const CalibrationMedians& medians, double bytes,
                        std::vector<std::string>* replaced = nullptr);

// A bad measurement file: "file: message".
struct RunFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MeasuredFailure {
  double time_s = 0;  // kill, since launch
  std::string kind;   // process | machine | crash
  std::vector<int> targets;
  int generation = 0;
  int64_t iteration = 0;  // furthest any rank got
  bool recovered = false; // the next generation came up (the fields below are set)
  int64_t resumed_iteration = 0, lost_iterations = 0;
  std::string source_tier;
  std::map<std::string, int> source_tiers;
  double detection_s = 0, teardown_s = 0, restart_s = 0, agree_s = 0, retrieval_s = 0, load_s = 0,
         recovery_s = 0;
  // The most ranks whose retrievals began on one CPU (real/'s cpu_at_agreed); 0 where the run
  // does not record CPUs (before 2026-11-29 22:50), or not every rank's.
  int busiest_cpu_ranks = 0;
};

struct MeasuredRun {
  std::string path;
  std::string preset, strategy, placement, cpu_model, host, kernel;
  std::string device = "cpu";  // cpu, cuda or cuda:N
  int gpus_used = 1;           // cuda: the GPUs the ranks ran on (real/: LOCAL_RANK % GPUs for "cuda")
  int threads = 1;             // per rank: intra-op and checksum threads
  int ranks = 0, machines = 0, ranks_per_machine = 0, replicas = 1, cpu_count = 0;
  int64_t interval = 0, persistent_interval = 0, iterations = 0;
  double image_bytes = 0;
  double step_mean_s = 0;  // (all steps) / steps: first steps after a restart included
  int64_t steps = 0;
  std::map<std::string, Spread> phases;
  std::vector<double> generation_start_s, generation_restart_s;
  std::vector<MeasuredFailure> failures;
  bool completed = false;
  double wall_s = 0;
  double shutdown_s = 0;  // last rank done -> launcher's report (input); 0 in runs that predate it
  // Each disk save's ranks' write starts (s since launch), by (generation, iteration), indexed by
  // rank (NaN for a rank the run does not list): how far apart the writers started, an input.
  // Empty for runs that predate `disk_saves`.
  std::map<std::pair<int64_t, int64_t>, std::vector<double>> disk_save_starts_s;
};

// Throws RunFileError on unreadable JSON, a wrong schema or missing fields.
MeasuredRun load_measured_run(const std::string& path);

// True when the run's ranks trained on a GPU (their snapshot is a device-to-host copy).
inline bool runs_on_gpu(const MeasuredRun& run) { return run.device.rfind("cuda", 0) == 0; }

struct PhaseRow {
  std::string phase;
  std::string method;  // closed-form | engine | input
  bool has_measured = false;
  Spread measured;
  double predicted_s = 0;
  double predicted_p10_s = 0, predicted_p90_s = 0;  // spread of per-event predictions
  double rel_error = 0;  // (predicted - measured median) / measured median; 0 for inputs
  bool checked = false;  // in the error check: not an input, measured median > threshold
  std::string note;
};

struct RunComparison {
  std::string path, label;
  std::vector<PhaseRow> rows;
  std::vector<std::string> notes;
};

// What the engine reports back for one run (computed in a forked child).
struct EngineOutcome {
  bool ok = false;
  std::string error;
  double time_to_end_s = 0;       // training start to the last iteration done (engine + tail)
  double train_start_s = 0;       // input: launch to gen 0 training
  double recovery_total_s = 0;    // detection + replacement + retrieval + warm-up, all failures
  double retrieval_total_s = 0;
  double lost_progress_s = 0;
  double stall_total_s = 0;
  int64_t failures = 0;
  std::vector<std::string> sources;  // recovery source per failure, in order
};

// The inputs of the engine run, all derived by the closed-form model.
struct EnginePlanInputs {
  double save_stall_s = 0;        // per frequent checkpoint
  double persistent_stall_s = 0;  // per persistent (disk) save on top of it
  double replication_s = 0;       // gemini: save end to every replica acknowledged (real/ starts
                                  // replicating at the next step's all-reduce)
  double detection_s = 0;         // input: kill to every dead rank reaped, mean over failures
  double warmup_s = 0;            // input restart + agree, plus predicted verify + restore
  double memory_restore_alpha_s = 0, memory_restore_bytes_per_s = 0;  // per machine
  double peer_alpha_s = 0, peer_bytes_per_s = 0;                      // per machine
  double disk_read_alpha_s = 0, disk_read_bytes_per_s = 0;            // the shared disk
  double step_s = 0;
  double train_start_s = 0;       // launch to gen 0 training start (input)
  // Engine time of each failure: when the engine's job reaches the measured failure iteration
  // (the same failures at the same iterations), from these same inputs.
  std::vector<double> failure_at_s;
};

// `t` plus the stalls of the saves after iteration `iteration` (none, a frequent one, a
// persistent one or both), as the engine charges them.
double plus_saves_after_s(double t, int64_t iteration, const MeasuredRun& run, const EnginePlanInputs& in);

// Closed-form predictions of every phase, plus the engine's inputs. disk_overlap: how the ranks
// of a disk save that the run lists apart (disk_save_starts_s) share the disk.
RunComparison predict_closed_form(const MeasuredRun& run, const HostCosts& costs, double threshold_s,
                                  EnginePlanInputs* engine_inputs,
                                  DiskOverlap disk_overlap = DiskOverlap::finish_together);
// Simulates the run in this process (one SimGrid engine: call it in a fresh process).
EngineOutcome simulate_run(const MeasuredRun& run, const EnginePlanInputs& inputs);
// Adds the engine rows to a comparison.
void add_engine_rows(const MeasuredRun& run, const EngineOutcome& engine, double threshold_s, RunComparison* out);

}  // namespace gemini::compare

namespace gemini {

struct CompareOptions {
  std::vector<std::string> runs;  // gemini-launch --out files
  std::string profile_path;       // gemini-calibrate profile YAML
  // gemini-calibrate's JSON of the same calibration: predict from its medians at each run's size
  // (costs_at_size) instead of the profile's fitted lines. Empty: the fits.
  std::string medians_path;
  std::string json_path;
  DiskOverlap disk_overlap = DiskOverlap::finish_together;  // disk saves whose ranks started apart
  double tolerance = 0.15;        // relative error allowed on checked phases
  double min_phase_s = 0.05;      // phases whose measured median is at most this are not checked
  bool no_engine = false;         // closed forms only
  int jobs = 0;                   // engine processes (0: all cores)
  // Charge each own-memory recovery that records its ranks' CPUs at the profile's
  // memory_retrieval_busiest_K for its layout (docs/VALIDATION.md "Own-memory retrievals by
  // layout": better in one session, worse in its repeat); off: the unpinned figure.
  bool charge_layouts = false;
};
// 0: every checked phase within tolerance; 1: some phase outside it; 2: bad input.
int compare_command(const CompareOptions& options);

}  // namespace gemini
