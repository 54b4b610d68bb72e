// Fresh shared-memory writes by several processes at once: real/'s ranks all save at the same
// iteration, and the first saves of a restarted process land in slots it has not mapped yet
// (a minor fault per 4 KiB page). Processes, not threads: each rank has its own page tables.
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "buffer.hpp"
#include "concurrent.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "shm_file.hpp"

namespace gemini::calibrate {

BenchmarkResult bench_shm_write_fresh_concurrent(const SweepConfig& cfg, int processes, Progress& progress) {
  if (processes < 2) throw std::invalid_argument("shm-write-fresh-concurrent needs at least 2 processes");
  BenchmarkResult r;
  r.name = "shm-write-fresh-concurrent";
  r.description = std::to_string(processes) +
                  " processes released at once, each copying its own pre-faulted buffer into a fresh "
                  "MAP_SHARED mapping of its own posix_fallocate'd /dev/shm file (mmap, memcpy, munmap), "
                  "caches flushed before each round; bytes and seconds are per process";
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

}  // namespace gemini::calibrate
