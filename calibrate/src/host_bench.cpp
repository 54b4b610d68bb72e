// Host-side costs of real/'s checkpoint path that plain memcpy does not cover: the XXH64
// checksum every save and every load computes, and copies into / out of a shared-memory
// segment whose pages this process has not mapped yet (real/'s MemoryStore slots after a
// restart or on first use: every 4 KiB page costs a minor fault).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "../../real/src/checksum.hpp"
#include "buffer.hpp"
#include "disk_io.hpp"
#include "shm_file.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/sizes.hpp"
#include "gemini/calibrate/timing.hpp"

namespace gemini::calibrate {
namespace {

using detail::make_prefaulted;
using detail::ShmFile;


}  // namespace

BenchmarkResult bench_checksum(const SweepConfig& cfg, Progress& progress) {
  BenchmarkResult r;
  r.name = "checksum-xxh64";
  r.description = "XXH64 (real/'s checksum.cpp) over a pre-faulted buffer, one thread, CPU caches flushed "
                  "before each run";
  const uint64_t max = cfg.sizes.back();
  auto src = make_prefaulted(max, 5);
  detail::CacheFlusher flusher;
  r.extra["cache_flush_bytes"] = flusher.bytes;
  volatile uint64_t sink = 0;
  const double t_start = now_s();
  for (size_t i = 0; i < cfg.sizes.size(); ++i) {
    if (sweep_over_time_limit(cfg, t_start, i, predict_next_point_s(cfg, i, r), r, progress)) break;
    const uint64_t n = cfg.sizes[i];
    const Stats s = measure_repeated(warmups_for_size(n, cfg.warmups), reps_for_size(n, cfg.reps_max, cfg.reps_min), [&] {
      flusher.flush();
      const double t0 = now_s();
      sink = sink + gemini::real::xxh64(src.get(), n);
      return now_s() - t0;
    });
    add_point(r, n, s, progress);
  }
  fit_medians(r);
  return r;
}

std::vector<BenchmarkResult> bench_shm_fresh(const SweepConfig& cfg, bool want_write, bool want_read,
                                             Progress& progress) {
  BenchmarkResult w, rd;
  w.name = "shm-write-fresh";
  w.description = "memcpy from a pre-faulted buffer into a fresh MAP_SHARED mapping of a /dev/shm file "
                  "(posix_fallocate'd, pages not yet mapped by this process): mmap, copy, munmap";
  rd.name = "shm-read-fresh";
  rd.description = "memcpy out of a fresh MAP_SHARED mapping of a populated /dev/shm file (a restarted rank's "
                   "memory-store segment) into " + detail::landing_phrase(cfg.landing_resident) + ": mmap, copy, munmap";
  rd.extra["landing"] = detail::landing_name(cfg.landing_resident);
  const uint64_t max = cfg.sizes.back();
  auto buf = make_prefaulted(max, 6);
  ShmFile shm(max);
  detail::CacheFlusher flusher;
  const double t_start = now_s();
  for (size_t i = 0; i < cfg.sizes.size(); ++i) {
    double per_run = 0, last_bytes = 0;
    if (!w.points.empty()) { per_run += w.points.back().stats.median_s; last_bytes = w.points.back().bytes; }
    if (!rd.points.empty()) { per_run += rd.points.back().stats.median_s; last_bytes = rd.points.back().bytes; }
    BenchmarkResult& guard = want_write ? w : rd;
    if (sweep_over_time_limit(cfg, t_start, i, last_bytes > 0 ? predict_next_s(cfg, i, last_bytes, per_run) : 0,
                              guard, progress)) {
      break;
    }
    const uint64_t n = cfg.sizes[i];
    const int warm = warmups_for_size(n, cfg.warmups), reps = reps_for_size(n, cfg.reps_max, cfg.reps_min);
    if (want_write) {
      const Stats s = measure_repeated(warm, reps, [&] {
        flusher.flush();
        const double t0 = now_s();
        char* p = shm.map();
        std::memcpy(p, buf.get(), n);
        detail::clobber_memory();
        shm.unmap(p);
        return now_s() - t0;
      });
      add_point(w, n, s, progress);
    }
    if (want_read) {
      const Stats s = measure_repeated(warm, reps, [&] {
        const detail::LandingBuffer landing(n, cfg.landing_resident);
        flusher.flush();
        const double t0 = now_s();
        char* p = shm.map();
        std::memcpy(landing.get(), p, n);
        detail::clobber_memory();
        shm.unmap(p);
        return now_s() - t0;
      });
      add_point(rd, n, s, progress);
    }
  }
  return fitted_pair(std::move(w), want_write, std::move(rd), want_read);
}

}  // namespace gemini::calibrate
