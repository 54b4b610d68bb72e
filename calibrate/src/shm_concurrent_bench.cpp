// Fresh shared-memory writes by several processes at once: real/'s ranks all save at the same
// iteration, and the first saves of a restarted process land in slots it has not mapped yet
// (a minor fault per 4 KiB page). Processes, not threads: each rank has its own page tables.
// And the other way, a process failure's recovery under the memory strategies: every rank
// retrieves its own image from its memory store at once.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "buffer.hpp"
#include "concurrent.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/profile_fields.hpp"
#include "shm_file.hpp"

namespace gemini::calibrate {
namespace {

// A result named `name` for `processes` (>= 2) processes at once, each doing `what`.
BenchmarkResult for_processes(const std::string& name, int processes, const std::string& what) {
  if (processes < 2) throw std::invalid_argument(name + " needs at least 2 processes");
  BenchmarkResult r;
  r.name = name;
  r.description = std::to_string(processes) + " processes released at once, each " + what;
  return r;
}

}  // namespace

BenchmarkResult bench_shm_write_fresh_concurrent(const SweepConfig& cfg, int processes, Progress& progress) {
  BenchmarkResult r = for_processes("shm-write-fresh-concurrent", processes,
                                    "copying its own pre-faulted buffer into a fresh MAP_SHARED mapping of its own "
                                    "posix_fallocate'd /dev/shm file (mmap, memcpy, munmap), caches flushed before "
                                    "each round; bytes and seconds are per process");
  const SweepConfig sweep = detail::concurrent_sweep(cfg, processes, r);
  const uint64_t max = sweep.sizes.back();
  std::vector<detail::HostBuffer> src;
  std::vector<std::unique_ptr<detail::ShmFile>> files;
  for (int i = 0; i < processes; ++i) {
    src.push_back(detail::make_prefaulted(max, 120 + static_cast<uint64_t>(i)));
    files.push_back(std::make_unique<detail::ShmFile>(max, "-p" + std::to_string(i)));
  }
  detail::CacheFlusher flusher;
  r.extra["cache_flush_bytes"] = flusher.bytes;
  detail::sweep_concurrent(sweep, processes, r, progress, [&] { flusher.flush(); }, [&](uint64_t n) {
    return detail::run_processes_together(processes, [&](int j) {
      const auto u = static_cast<size_t>(j);
      const double t0 = now_s();
      char* p = files[u]->map();
      std::memcpy(p, src[u].get(), n);
      detail::clobber_memory();
      files[u]->unmap(p);
      return now_s() - t0;
    });
  });
  detail::fit_concurrent_medians(r);
  return r;
}

namespace {

// memory-retrieval-concurrent under `name`, process i held on CPU pin_cpus[i] where given.
BenchmarkResult memory_retrieval(const SweepConfig& cfg, int processes, const std::string& name,
                                 const std::vector<int>& pin_cpus, Progress& progress) {
  BenchmarkResult r = for_processes(
      name, processes,
      "copying its own image out of a fresh mapping of its own /dev/shm file into " +
          detail::landing_phrase(cfg.landing_resident) +
          " and computing XXH64 (real/'s checksum) over the copy, caches flushed before each round: the ranks of a "
          "process failure's recovery all retrieving from their memory stores; bytes and seconds are per process, "
          "the slowest of each round recorded");
  r.extra["landing"] = detail::landing_name(cfg.landing_resident);
  if (!pin_cpus.empty()) {
    if (static_cast<int>(pin_cpus.size()) != processes)
      throw std::invalid_argument(name + ": " + std::to_string(pin_cpus.size()) + " CPUs to pin " +
                                  std::to_string(processes) + " processes to");
    r.extra["pinned_cpus"] = pin_cpus;
    r.description += "; process i pinned to CPU pinned_cpus[i]";
  }
  const SweepConfig sweep = detail::concurrent_sweep(cfg, processes, r);
  const uint64_t max = sweep.sizes.back();
  std::vector<std::unique_ptr<detail::ShmFile>> files;
  for (int i = 0; i < processes; ++i) {
    files.push_back(std::make_unique<detail::ShmFile>(max, "-r" + std::to_string(i)));
    files.back()->fill(160 + static_cast<uint64_t>(i));
  }
  detail::CacheFlusher flusher;
  r.extra["cache_flush_bytes"] = flusher.bytes;
  // How the processes lay on the CPUs in each round: with more ranks than CPUs the slowest is
  // set by the most crowded CPU (docs/VALIDATION.md "Own-memory retrievals").
  std::vector<int> busiest, moved;  // per round, warm-ups first
  const auto layout = [&](size_t timed) {
    const auto timed_rounds = [timed](auto& v) {
      std::remove_reference_t<decltype(v)> last(v.end() - static_cast<std::ptrdiff_t>(std::min(timed, v.size())), v.end());
      v.clear();
      return last;
    };
    return nlohmann::json{{"busiest_cpu_processes", timed_rounds(busiest)}, {"moved_processes", timed_rounds(moved)}};
  };
  detail::sweep_concurrent(sweep, processes, r, progress, [&] { flusher.flush(); }, [&](uint64_t n) {
    // Each child's landing is set up before the release, as a restarted rank's buffer is when
    // it starts (resident: written once; untouched: mapped inside the timed retrieval).
    std::unique_ptr<detail::LandingSlot> landing;
    detail::ProcessCpus cpus;
    const std::vector<double> seconds = detail::run_processes_together(
        processes,
        [&](int j) {
          const double t0 = now_s();
          const volatile uint64_t hash =  // the hash is used
              detail::copy_out_and_hash(*files[static_cast<size_t>(j)], landing->acquire(n), n);
          (void)hash;
          return now_s() - t0;
        },
        [&](int j) {
          if (!pin_cpus.empty()) detail::pin_to_cpu(pin_cpus[static_cast<size_t>(j)]);
          landing = std::make_unique<detail::LandingSlot>(n, cfg.landing_resident);
        },
        &cpus);
    busiest.push_back(profile::busiest_cpu_count(cpus.at_release));
    moved.push_back(detail::moved_count(cpus));
    return seconds;
  }, layout);
  detail::fit_concurrent_medians(r);
  return r;
}

}  // namespace

BenchmarkResult bench_memory_retrieval_concurrent(const SweepConfig& cfg, int processes, Progress& progress) {
  return memory_retrieval(cfg, processes, "memory-retrieval-concurrent", cfg.pin_cpus, progress);
}

std::vector<BenchmarkResult> bench_memory_retrieval_busiest(const SweepConfig& cfg, int processes, Progress& progress) {
  std::vector<BenchmarkResult> out;
  for (const std::vector<int>& layout : busiest_cpu_layouts(processes, allowed_cpus())) {
    const int busiest = profile::busiest_cpu_count(layout);
    out.push_back(memory_retrieval(cfg, processes, profile::busiest_retrieval_benchmark(busiest), layout, progress));
    out.back().extra["pinned_busiest_cpu_processes"] = busiest;
    out.back().description += " (" + std::to_string(busiest) + " of them on one CPU)";
  }
  return out;
}

}  // namespace gemini::calibrate
