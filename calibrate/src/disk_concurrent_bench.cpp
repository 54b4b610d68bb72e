// Several writers (readers) on one disk at once, each with its own file in one directory: what
// real/'s ranks do when they all save (or all recover from disk) at the same iteration. The
// single-writer benchmark cannot predict it by dividing bandwidth: concurrent fsyncs share the
// file system's journal commits and each waits for the others' dirty pages.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "buffer.hpp"
#include "concurrent.hpp"
#include "disk_io.hpp"
#include "gemini/calibrate/benchmarks.hpp"

namespace gemini::calibrate {
namespace {

std::string stem(int writer) { return "w" + std::to_string(writer); }

}  // namespace

std::vector<BenchmarkResult> bench_disk_concurrent(const SweepConfig& cfg, const std::string& dir, int writers,
                                                   bool want_write, bool want_read, Progress& progress,
                                                   double stagger_ms) {
  if (writers < 2) throw std::invalid_argument("concurrent disk benchmarks need at least 2 writers");
  const std::string n_text = std::to_string(writers);
  BenchmarkResult w, rd;
  w.name = "disk-write-concurrent";
  w.description = n_text + " processes at once, each writing its own file to durability in one directory like "
                  "real/'s DiskStore (O_DIRECT where the file system allows: extra.io; write .tmp, fsync, "
                  "close, rename the last file to .prev, rename, fsync(dir)) from its own buffer, laid out like a rank's "
                  "HostBuffer; bytes and seconds are per writer";
  rd.name = "disk-read-cold-concurrent";
  rd.description = n_text + " processes at once, each reading its own file (O_DIRECT where allowed) after fsync + "
                   "posix_fadvise(DONTNEED) into its own buffer, laid out like a rank's HostBuffer; bytes and "
                   "seconds are per reader";
  const SweepConfig sweep = detail::concurrent_sweep(cfg, writers, w);
  rd.extra["concurrency"] = writers;
  detail::TempDir tmp(dir);
  bool is_tmpfs = false;
  const std::string fs = detail::filesystem_name(tmp.path(), is_tmpfs);
  for (auto* b : {&w, &rd}) {
    b->extra["stagger_ms"] = stagger_ms;
    b->extra["directory"] = tmp.path();
    b->extra["filesystem"] = fs;
  }
  w.extra["rest_ms"] = cfg.rest_s * 1e3;
  // Writers and readers are processes, as real/'s ranks are: threads of one process would also
  // share its page tables and mmap lock, which pinning pages for direct I/O takes. Each fills its
  // own buffer, in the memory a rank's HostBuffer uses, before the release.
  detail::HostBuffer own;  // each child's own (the parent's stays empty)
  auto fill_own = [&own](uint64_t n, uint64_t seed) {
    return [&own, n, seed](int j) { own = detail::make_direct_io_buffer(n, seed + static_cast<uint64_t>(j)); };
  };
  const std::string io = detail::direct_io_accepted(tmp.path(), cfg.direct_io) ? "direct" : "buffered";
  bool all_cold = !is_tmpfs;
  const double t_start = now_s();
  for (size_t i = 0; i < sweep.sizes.size(); ++i) {
    if (concurrent_over_time_limit(sweep, t_start, i, writers, want_write ? w : rd, progress)) {
      if (want_write && want_read) rd.notes.push_back(w.notes.back());
      break;
    }
    const uint64_t n = sweep.sizes[i];
    const Rounds rounds_wanted = concurrent_rounds(sweep, n, writers);
    const int warm = rounds_wanted.warmups, reps = rounds_wanted.reps;
    std::vector<double> tw, tr, slowest_read, rounds;
    for (int k = 0; k < warm + reps; ++k) {
      detail::rest(cfg.rest_s);
      const double r0 = now_s();
      const std::vector<double> wrote = detail::run_processes_together(
          writers,
          [&](int j) {
            detail::rest(j * stagger_ms / 1e3);
            return detail::write_durable(tmp.path(), stem(j), own.get(), n, true, cfg.direct_io).seconds;
          },
          fill_own(n, 13));
      double round_s = now_s() - r0;
      std::vector<double> read;
      if (want_read) {
        for (int j = 0; j < writers; ++j) {
          const double frac = detail::drop_from_cache(tmp.path() + "/" + stem(j) + ".bin", n);
          if (frac < 0 || frac > 0.01) all_cold = false;
        }
        const double q0 = now_s();
        read = detail::run_processes_together(
            writers,
            [&](int j) { return detail::read_file(tmp.path() + "/" + stem(j) + ".bin", own.get(), n, cfg.direct_io).seconds; },
            fill_own(n, 20));
        round_s += now_s() - q0;
      }
      if (k < warm) continue;
      tw.insert(tw.end(), wrote.begin(), wrote.end());
      tr.insert(tr.end(), read.begin(), read.end());
      if (!read.empty()) slowest_read.push_back(*std::max_element(read.begin(), read.end()));
      rounds.push_back(round_s);
    }
    const nlohmann::json extra = {{"round_median_s", summarize(rounds).median_s}, {"rounds", rounds.size()}};
    if (want_write) add_point(w, n, summarize(tw), progress, extra);
    if (want_read) {
      add_point(rd, n, summarize(tr), progress, extra);
      rd.points.back().slowest = summarize(slowest_read);
    }
  }
  w.extra["io"] = io;
  if (want_read) {
    rd.extra["io"] = io;
    rd.extra["cold_read_assured"] = all_cold;
    if (!all_cold) {
      rd.notes.push_back(is_tmpfs ? "the directory is on tmpfs: the page cache is the storage, reads are warm"
                                  : "some pages stayed in the page cache after POSIX_FADV_DONTNEED: reads were partly warm");
      progress.note("  disk-read-cold-concurrent: WARNING: cold read NOT assured (" + rd.notes.back() + ")");
    }
  }
  return fitted_pair(std::move(w), want_write, std::move(rd), want_read);
}

}  // namespace gemini::calibrate
