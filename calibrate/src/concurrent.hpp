// Running one measurement on several threads released at the same moment (internal): the
// *-concurrent benchmarks measure the sharing a real run has (its ranks copy, hash, write and
// read at the same iteration) instead of predicting it from a benchmark that ran alone.
#pragma once
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/results.hpp"
#include "gemini/calibrate/sizes.hpp"
#include "gemini/calibrate/timing.hpp"

namespace gemini::calibrate::detail {

// Runs fn(i) for i < n on n threads released together; returns what each returned (its own
// seconds). The first exception of any thread is rethrown after all have joined.
inline std::vector<double> run_together(int n, const std::function<double(int)>& fn) {
  std::vector<double> seconds(static_cast<size_t>(n), 0.0);
  std::vector<std::exception_ptr> errors(static_cast<size_t>(n));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      try {
        seconds[static_cast<size_t>(i)] = fn(i);
      } catch (...) {
        errors[static_cast<size_t>(i)] = std::current_exception();
      }
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  go.store(true);
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return seconds;
}

// Like run_together, with n child processes instead of threads: what real/'s ranks are, each
// with its own address space (threads of one process would also share its page tables and its
// mmap lock). fn(i) runs in child i after all children started; it may allocate (glibc's fork
// leaves malloc usable in the child) but must take no other lock the parent's other threads
// could hold. The children report through a shared anonymous page; a child that fails or dies
// makes the whole call throw. prepare(i), when given, runs in child i before the release,
// untimed: set-up each process does for itself, such as filling its own buffers (what it leaves
// in the child's copy of a captured variable is there for fn). cpus, when given, receives the
// CPU each child ran on when released and when fn returned (sched_getcpu; -1 for one that
// never got there).
struct ProcessCpus {
  std::vector<int> at_release, at_end;
};
inline std::vector<double> run_processes_together(int n, const std::function<double(int)>& fn,
                                                  const std::function<void(int)>& prepare = {},
                                                  ProcessCpus* cpus = nullptr) {
  struct Shared {
    std::atomic<int> ready;
    double seconds[256];
    int cpu_at_release[256];
    int cpu_at_end[256];
  };
  if (n < 1 || n > 256) throw std::invalid_argument("run_processes_together: 1..256 processes");
  void* page = ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw std::runtime_error("mmap of the processes' shared page failed");
  auto* shared = new (page) Shared{};
  std::fill(shared->cpu_at_release, shared->cpu_at_release + n, -1);
  std::fill(shared->cpu_at_end, shared->cpu_at_end + n, -1);
  std::vector<pid_t> children;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int code = 0;
      try {
        if (prepare) prepare(i);
      } catch (...) {
        code = 1;
      }
      shared->ready.fetch_add(1);
      while (shared->ready.load() < n) std::this_thread::yield();
      shared->cpu_at_release[i] = ::sched_getcpu();
      try {
        if (code == 0) {
          shared->seconds[i] = fn(i);
          shared->cpu_at_end[i] = ::sched_getcpu();
        }
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
    if (pid < 0) break;
    children.push_back(pid);
  }
  bool ok = static_cast<int>(children.size()) == n;
  if (!ok) shared->ready.fetch_add(n);  // release the children that did start
  for (pid_t pid : children) {
    int status = 0;
    ok = ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && ok;
  }
  const std::vector<double> seconds(shared->seconds, shared->seconds + n);
  if (cpus) {
    cpus->at_release.assign(shared->cpu_at_release, shared->cpu_at_release + n);
    cpus->at_end.assign(shared->cpu_at_end, shared->cpu_at_end + n);
  }
  ::munmap(page, sizeof(Shared));
  if (!ok) throw std::runtime_error("a benchmark process could not start or failed");
  return seconds;
}

// Keeps the calling process on `cpu` only (sched_setaffinity); throws when the kernel refuses.
inline void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) throw std::runtime_error("cannot pin to CPU " + std::to_string(cpu));
}

// How many processes ended on another CPU than the one they were released on.
inline int moved_count(const ProcessCpus& cpus) {
  int moved = 0;
  for (size_t i = 0; i < cpus.at_release.size() && i < cpus.at_end.size(); ++i)
    moved += cpus.at_release[i] >= 0 && cpus.at_end[i] >= 0 && cpus.at_release[i] != cpus.at_end[i];
  return moved;
}

// A concurrent benchmark's sweep: cfg's sweep over concurrent_sizes(cfg, n) (sizes per
// participant, n of them fitting in --max-bytes), with the participant count recorded in `r`.
inline SweepConfig concurrent_sweep(const SweepConfig& cfg, int n, BenchmarkResult& r) {
  r.extra["concurrency"] = n;
  SweepConfig sweep = cfg;
  sweep.sizes = concurrent_sizes(cfg, n);
  if (sweep.sizes.empty()) throw std::invalid_argument(r.name + ": no size fits --max-bytes " + std::to_string(n) + " times");
  return sweep;
}

// Fits a concurrent benchmark's medians. Work shorter than the scheduler's time slice runs
// alone even with more participants than CPUs (they take turns), so small sizes show no
// sharing: weighting by absolute time lets the sizes where they do share the CPUs and the
// memory bus set the line.
inline void fit_concurrent_medians(BenchmarkResult& r) {
  fit_medians(r, FitWeighting::absolute);
  r.notes.push_back("fitted with absolute weighting: sizes below a scheduler time slice do not overlap");
}

// The sweep of a concurrent benchmark with one result, over sweep.sizes (already
// concurrent_sizes()): per size, after the time guard, concurrent_rounds() rounds of `threads`
// threads; each round calls before_round() (untimed), then round(n), which returns the
// round's samples and is timed as the round. Adds one point per size with the samples, the
// slowest sample of each round (work the ranks do at once and wait for together ends with its
// last one; each timed round's also as "round_slowest_s"), the round median ("round_median_s")
// and the timed rounds ("rounds"), plus the fields point_extra(timed rounds), when given,
// returns for that size.
inline void sweep_concurrent(const SweepConfig& sweep, int threads, BenchmarkResult& r, Progress& progress,
                             const std::function<void()>& before_round,
                             const std::function<std::vector<double>(uint64_t)>& round,
                             const std::function<nlohmann::json(size_t)>& point_extra = {}) {
  const double t_start = now_s();
  for (size_t i = 0; i < sweep.sizes.size(); ++i) {
    if (concurrent_over_time_limit(sweep, t_start, i, threads, r, progress)) break;
    const uint64_t n = sweep.sizes[i];
    const Rounds wanted = concurrent_rounds(sweep, n, threads);
    std::vector<double> samples, slowest, rounds;
    for (int k = 0; k < wanted.warmups + wanted.reps; ++k) {
      before_round();
      const double r0 = now_s();
      const std::vector<double> t = round(n);
      if (k < wanted.warmups || t.empty()) continue;
      rounds.push_back(now_s() - r0);
      samples.insert(samples.end(), t.begin(), t.end());
      slowest.push_back(*std::max_element(t.begin(), t.end()));
    }
    nlohmann::json extra = {{"round_median_s", summarize(rounds).median_s}, {"rounds", rounds.size()},
                            {"round_slowest_s", slowest}};
    if (point_extra) extra.update(point_extra(rounds.size()));
    add_point(r, n, summarize(samples), progress, extra, summarize(slowest));
  }
}

}  // namespace gemini::calibrate::detail
