// Progress lines on stderr and the benchmark name lists.
#include <algorithm>
#include <cstdio>

#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/sizes.hpp"

namespace gemini::calibrate {

void Progress::step(const std::string& benchmark, double bytes, const Stats& stats, const Stats* slowest) {
  ++done_;
  if (quiet_) return;
  const double mbps = stats.median_s > 0 ? bytes / stats.median_s / 1e6 : 0;
  char tail[96] = "";
  if (slowest) std::snprintf(tail, sizeof tail, "; slowest of each round: median %.4g s", slowest->median_s);
  std::fprintf(stderr, "[%d/%d] %s %s: median %.4g s (p10 %.4g, p90 %.4g, %d reps, %.0f MB/s)%s\n",
               done_, total_, benchmark.c_str(), format_bytes(bytes).c_str(), stats.median_s,
               stats.p10_s, stats.p90_s, stats.count, mbps, tail);
  std::fflush(stderr);
}

void Progress::note(const std::string& line) {
  if (quiet_) return;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void add_point(BenchmarkResult& r, uint64_t bytes, const Stats& stats, Progress& progress, nlohmann::json extra,
               std::optional<Stats> slowest) {
  r.points.push_back({static_cast<double>(bytes), stats, std::nullopt, std::move(extra), slowest});
  progress.step(r.name, static_cast<double>(bytes), stats, slowest ? &*slowest : nullptr);
}

std::vector<BenchmarkResult> fitted_pair(BenchmarkResult write, bool want_write, BenchmarkResult read,
                                         bool want_read) {
  std::vector<BenchmarkResult> out;
  for (auto [result, wanted] : {std::pair{&write, want_write}, std::pair{&read, want_read}}) {
    if (!wanted) continue;
    fit_medians(*result);
    out.push_back(std::move(*result));
  }
  return out;
}

std::vector<uint64_t> concurrent_sizes(const SweepConfig& cfg, int threads) {
  std::vector<uint64_t> out;
  for (uint64_t n : cfg.sizes)
    if (n * static_cast<uint64_t>(threads) <= cfg.sizes.back()) out.push_back(n);
  if (out.empty() && !cfg.sizes.empty()) out.push_back(cfg.sizes.front());
  return out;
}

bool concurrent_over_time_limit(const SweepConfig& sweep, double t_start, size_t next, int threads,
                                BenchmarkResult& r, Progress& progress) {
  // The next size's rounds (counted like the sweep counts them: by all threads' bytes) at the
  // last point's round median scaled to the next size, each after its rest.
  double predicted_s = 0;
  if (!r.points.empty() && next < sweep.sizes.size() && r.points.back().bytes > 0) {
    const uint64_t n = sweep.sizes[next];
    const Rounds rounds = concurrent_rounds(sweep, n, threads);
    const double last_round_s = r.points.back().extra.value("round_median_s", 0.0);
    predicted_s = (last_round_s * static_cast<double>(n) / r.points.back().bytes + sweep.rest_s) *
                  (rounds.warmups + rounds.reps);
  }
  return sweep_over_time_limit(sweep, t_start, next, predicted_s, r, progress);
}

Rounds concurrent_rounds(const SweepConfig& sweep, uint64_t bytes, int threads) {
  const uint64_t total = bytes * static_cast<uint64_t>(threads);
  return {warmups_for_size(total, sweep.warmups), reps_for_size(total, sweep.reps_max, sweep.reps_min)};
}

int warmups_for_size(uint64_t bytes, int warmups) { return bytes >= (1ull << 30) ? 0 : warmups; }

double predict_next_s(const SweepConfig& cfg, size_t next, double last_bytes, double last_per_run_s) {
  if (next >= cfg.sizes.size() || last_bytes <= 0) return 0;
  const uint64_t n = cfg.sizes[next];
  const int runs = warmups_for_size(n, cfg.warmups) + reps_for_size(n, cfg.reps_max, cfg.reps_min);
  return (last_per_run_s * static_cast<double>(n) / last_bytes + cfg.rest_s) * runs;
}

double predict_next_point_s(const SweepConfig& cfg, size_t next, const BenchmarkResult& r) {
  if (r.points.empty()) return 0;
  return predict_next_s(cfg, next, r.points.back().bytes, r.points.back().stats.median_s);
}

bool sweep_over_time_limit(const SweepConfig& cfg, double t_start, size_t next, double predicted_next_s,
                           BenchmarkResult& r, Progress& progress) {
  // Two sizes at least, so that there is a line to fit.
  if (cfg.time_limit_s <= 0 || next < 2 || next >= cfg.sizes.size()) return false;
  const double spent = now_s() - t_start;
  if (spent + predicted_next_s <= cfg.time_limit_s) return false;
  std::string skipped;
  for (size_t i = next; i < cfg.sizes.size(); ++i)
    skipped += (skipped.empty() ? "" : ", ") + format_bytes(static_cast<double>(cfg.sizes[i]));
  char buf[160];
  std::snprintf(buf, sizeof buf, "time limit %.3g s: %.3g s spent, next size predicted %.3g s; skipped: ",
                cfg.time_limit_s, spent, predicted_next_s);
  r.notes.push_back(buf + skipped);
  progress.note("  " + r.name + ": " + r.notes.back());
  return true;
}

const std::vector<std::string>& cpu_benchmark_names() {
  static const std::vector<std::string> names = {"host-memcpy", "host-memcpy-concurrent", "disk-write", "disk-read-cold",
                                                 "disk-write-concurrent", "disk-read-cold-concurrent",
                                                 "disk-read-cold-beside-memory",
                                                 "tcp-loopback", "tcp-loopback-fresh", "tcp-loopback-concurrent", "checksum-xxh64", "checksum-xxh64-concurrent",
                                                 "shm-write-fresh", "shm-write-fresh-concurrent", "shm-read-fresh",
                                                 "memory-retrieval-concurrent", "memory-retrieval-busiest"};
  return names;
}

bool is_concurrent_benchmark(const std::string& name) {
  static const std::vector<std::string> names = {"host-memcpy-concurrent", "disk-write-concurrent",
                                                 "disk-read-cold-concurrent", "disk-read-cold-beside-memory",
                                                 "checksum-xxh64-concurrent",
                                                 "tcp-loopback-concurrent", "shm-write-fresh-concurrent",
                                                 "memory-retrieval-concurrent", "memory-retrieval-busiest"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<std::string>& model_benchmark_names() {
  static const std::vector<std::string> names = {"model-capture", "model-restore", "model-iteration"};
  return names;
}

const std::vector<std::string>& gpu_benchmark_names() {
  static const std::vector<std::string> names = {"gpu-h2d-pinned",   "gpu-d2h-pinned",
                                                 "gpu-h2d-pageable", "gpu-d2h-pageable",
                                                 "gpu-d2d",          "nccl-allreduce"};
  return names;
}

}  // namespace gemini::calibrate
