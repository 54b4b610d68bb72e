// CPU microbenchmarks: host memcpy, disk write to durability + cold read.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "buffer.hpp"
#include "disk_io.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/sizes.hpp"

namespace gemini::calibrate {

using detail::make_prefaulted;

BenchmarkResult bench_host_memcpy(const SweepConfig& cfg, Progress& progress) {
  BenchmarkResult r;
  r.name = "host-memcpy";
  r.description = "std::memcpy between two page-aligned, pre-faulted host buffers (one thread), "
                  "CPU caches flushed before each copy";
  const uint64_t max = cfg.sizes.back();
  auto src = make_prefaulted(max, 1), dst = make_prefaulted(max, 2);
  // A checkpoint copy reads memory the CPU has not just touched: evict the buffers from the
  // caches before every copy (untimed).
  detail::CacheFlusher flusher;
  r.extra["cache_flush_bytes"] = flusher.bytes;
  r.extra["last_level_cache_bytes"] = flusher.last_level_cache_bytes;
  const double t_start = now_s();
  for (size_t i = 0; i < cfg.sizes.size(); ++i) {
    if (sweep_over_time_limit(cfg, t_start, i, predict_next_point_s(cfg, i, r), r, progress)) break;
    const uint64_t n = cfg.sizes[i];
    const Stats s = measure_repeated(warmups_for_size(n, cfg.warmups), reps_for_size(n, cfg.reps_max, cfg.reps_min), [&] {
      flusher.flush();
      const double t0 = now_s();
      std::memcpy(dst.get(), src.get(), n);
      detail::clobber_memory();
      return now_s() - t0;
    });
    add_point(r, n, s, progress);
  }
  fit_medians(r);
  return r;
}

std::vector<BenchmarkResult> bench_disk(const SweepConfig& cfg, const std::string& dir,
                                        bool want_write, bool want_read, Progress& progress) {
  BenchmarkResult w, rd;
  w.name = "disk-write";
  w.description = "write a file to durability like real/'s DiskStore (O_DIRECT where the file system "
                  "allows: extra.io): open, write, fsync, close, rename, fsync(dir), "
                  "in a fresh temporary directory";
  rd.name = "disk-read-cold";
  rd.description = "read the file back (O_DIRECT where allowed, and after fsync + posix_fadvise(DONTNEED)) into " +
                   detail::landing_phrase(cfg.landing_resident) + ": open, read, close";
  rd.extra["landing"] = detail::landing_name(cfg.landing_resident);
  detail::TempDir tmp(dir);
  bool is_tmpfs = false;
  const std::string fs = detail::filesystem_name(tmp.path(), is_tmpfs);
  for (auto* b : {&w, &rd}) {
    b->extra["directory"] = tmp.path();
    b->extra["filesystem"] = fs;
  }
  w.extra["rest_ms"] = cfg.rest_s * 1e3;
  const uint64_t max = cfg.sizes.back();
  auto src = detail::make_direct_io_buffer(max, 3);
  detail::IoModes writes_io, reads_io;
  bool all_cold = !is_tmpfs;
  double worst_resident = 0;
  const double t_start = now_s();
  for (size_t i = 0; i < cfg.sizes.size(); ++i) {
    double per_run = 0, last_bytes = 0;
    if (!w.points.empty()) { per_run += w.points.back().stats.median_s; last_bytes = w.points.back().bytes; }
    if (!rd.points.empty()) { per_run += rd.points.back().stats.median_s; last_bytes = rd.points.back().bytes; }
    if (sweep_over_time_limit(cfg, t_start, i, predict_next_s(cfg, i, last_bytes, per_run), want_write ? w : rd,
                              progress)) {
      if (want_write && want_read) rd.notes.push_back(w.notes.back());
      break;
    }
    const uint64_t n = cfg.sizes[i];
    const int warm = warmups_for_size(n, cfg.warmups), reps = reps_for_size(n, cfg.reps_max, cfg.reps_min);
    std::vector<double> tw, tr, resident;
    for (int k = 0; k < warm + reps; ++k) {
      detail::rest(cfg.rest_s);
      const detail::TimedIo wrote = detail::write_durable(tmp.path(), "ckpt", src.get(), n, false, cfg.direct_io);
      const double t_write = wrote.seconds;
      writes_io.add(wrote);
      if (!want_read) {
        if (k >= warm) tw.push_back(t_write);
        continue;
      }
      const std::string path = tmp.path() + "/ckpt.bin";
      const double frac = detail::drop_from_cache(path, n);
      const detail::LandingBuffer landing(n, cfg.landing_resident);
      const detail::TimedIo read = detail::read_file(path, landing.get(), n, cfg.direct_io);
      const double t_read = read.seconds;
      reads_io.add(read);
      if (k < warm) continue;
      tw.push_back(t_write);
      tr.push_back(t_read);
      resident.push_back(frac);
      if (frac < 0 || frac > 0.01) all_cold = false;
      worst_resident = std::max(worst_resident, frac);
    }
    if (want_write) {
      const Stats s = summarize(tw);
      add_point(w, n, s, progress);
    }
    if (want_read) {
      const Stats s = summarize(tr);
      nlohmann::json extra = {{"resident_fraction_before_read_max",
                               *std::max_element(resident.begin(), resident.end())}};
      add_point(rd, n, s, progress, extra);
    }
  }
  w.extra["io"] = writes_io.text();
  if (want_read) {
    rd.extra["io"] = reads_io.text();
    rd.extra["cold_read_assured"] = all_cold;
    rd.extra["resident_fraction_before_read_max"] = worst_resident;
    rd.extra["method"] = "O_DIRECT reads where the file system allows (io); before each read, fsync, "
                         "posix_fadvise(POSIX_FADV_DONTNEED) on the whole file, then mincore() on an "
                         "untouched mapping to count pages still cached";
    if (is_tmpfs)
      rd.notes.push_back("the directory is on tmpfs: the page cache is the storage, reads are warm");
    else if (!all_cold)
      rd.notes.push_back("some pages stayed in the page cache after POSIX_FADV_DONTNEED (max " +
                         std::to_string(worst_resident) + " of the file): reads were partly warm");
    else
      rd.notes.push_back("cold in this kernel's page cache; a hypervisor or device cache below "
                         "it may still serve the data faster than the medium");
    if (!all_cold) progress.note("  disk-read-cold: WARNING: cold read NOT assured (" + rd.notes.back() + ")");
  }
  return fitted_pair(std::move(w), want_write, std::move(rd), want_read);
}

}  // namespace gemini::calibrate
