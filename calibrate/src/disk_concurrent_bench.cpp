// Several writers (readers) on one disk at once, each with its own file in one directory: what
// real/'s ranks do when they all save (or all recover from disk) at the same iteration. The
// single-writer benchmark cannot predict it by dividing bandwidth: concurrent fsyncs share the
// file system's journal commits and each waits for the others' dirty pages. The readers are
// also measured half of them at a time beside the other half's memory traffic: a machine loss's
// recovery, where the lost machine's ranks read from disk while the survivors copy and hash.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "buffer.hpp"
#include "concurrent.hpp"
#include "disk_io.hpp"
#include "memory_streamers.hpp"
#include "gemini/calibrate/benchmarks.hpp"

namespace gemini::calibrate {
namespace {

std::string stem(int writer) { return "w" + std::to_string(writer); }

}  // namespace

std::vector<BenchmarkResult> bench_disk_concurrent(const SweepConfig& cfg, const std::string& dir, int writers,
                                                   bool want_write, bool want_read, bool want_beside,
                                                   Progress& progress, double stagger_ms) {
  if (writers < 2) throw std::invalid_argument("concurrent disk benchmarks need at least 2 writers");
  if (want_beside && writers < 4)
    throw std::invalid_argument("disk-read-cold-beside-memory needs at least 4 writers (half read, half stream memory)");
  const std::string n_text = std::to_string(writers);
  const int halves[2] = {writers / 2, writers - writers / 2};  // readers, memory streamers beside them
  BenchmarkResult w, rd, beside;
  w.name = "disk-write-concurrent";
  w.description = n_text + " processes at once, each writing its own file to durability in one directory like "
                  "real/'s DiskStore (O_DIRECT where the file system allows: extra.io; write .tmp, fsync, "
                  "close, rename the last file to .prev, rename, fsync(dir)) from its own buffer, laid out like a rank's "
                  "HostBuffer; bytes and seconds are per writer";
  rd.name = "disk-read-cold-concurrent";
  rd.description = n_text + " processes at once, each reading its own file (O_DIRECT where allowed) after fsync + "
                   "posix_fadvise(DONTNEED) into " + detail::landing_phrase(cfg.landing_resident) +
                   ", laid out like a rank's HostBuffer; bytes and seconds are per reader";
  beside.name = "disk-read-cold-beside-memory";
  beside.description = std::to_string(halves[0]) + " processes at once reading their files cold as in " + rd.name +
                       ", while " + std::to_string(halves[1]) + " other processes each, over and over, copy an image of the " +
                       "same size out of a fresh mapping of their own /dev/shm file into their own landing memory and XXH64 the copy (the survivors " +
                       "of a machine loss retrieving from their memory stores); bytes and seconds are per reader";
  const SweepConfig sweep = detail::concurrent_sweep(cfg, writers, w);
  rd.extra["concurrency"] = writers;
  beside.extra["concurrency"] = halves[0];
  beside.extra["neighbours"] = halves[1];
  detail::TempDir tmp(dir);
  bool is_tmpfs = false;
  const std::string fs = detail::filesystem_name(tmp.path(), is_tmpfs);
  for (auto* b : {&rd, &beside}) b->extra["landing"] = detail::landing_name(cfg.landing_resident);
  for (auto* b : {&w, &rd, &beside}) {
    b->extra["stagger_ms"] = stagger_ms;
    b->extra["directory"] = tmp.path();
    b->extra["filesystem"] = fs;
  }
  w.extra["rest_ms"] = cfg.rest_s * 1e3;
  // Writers and readers are processes, as real/'s ranks are: threads of one process would also
  // share its page tables and mmap lock, which pinning pages for direct I/O takes. Each writer
  // fills its own buffer, in the memory a rank's HostBuffer uses, before the release; each reader
  // reads into memory it has not touched, as a restarted rank does.
  detail::HostBuffer own;  // each child's own (the parent's stays empty)
  auto fill_own = [&own](uint64_t n, uint64_t seed) {
    return [&own, n, seed](int j) { own = detail::make_direct_io_buffer(n, seed + static_cast<uint64_t>(j)); };
  };
  std::optional<detail::LandingBuffer> landing;  // each reader's own
  const std::string io = detail::direct_io_accepted(tmp.path(), cfg.direct_io) ? "direct" : "buffered";
  bool all_cold = !is_tmpfs;
  // Cold reads of the first `readers` files at once: each reader's seconds.
  auto read_cold = [&](int readers, uint64_t n) {
    for (int j = 0; j < readers; ++j) {
      const double frac = detail::drop_from_cache(tmp.path() + "/" + stem(j) + ".bin", n);
      if (frac < 0 || frac > 0.01) all_cold = false;
    }
    return detail::run_processes_together(
        readers,
        [&](int j) { return detail::read_file(tmp.path() + "/" + stem(j) + ".bin", landing->get(), n, cfg.direct_io).seconds; },
        [&](int) { landing.emplace(n, cfg.landing_resident); });
  };
  const double t_start = now_s();
  for (size_t i = 0; i < sweep.sizes.size(); ++i) {
    if (concurrent_over_time_limit(sweep, t_start, i, writers, want_write ? w : rd, progress)) {
      if (want_write && want_read) rd.notes.push_back(w.notes.back());
      break;
    }
    const uint64_t n = sweep.sizes[i];
    const Rounds rounds_wanted = concurrent_rounds(sweep, n, writers);
    const int warm = rounds_wanted.warmups, reps = rounds_wanted.reps;
    std::vector<double> tw, tr, slowest_read, rounds, tb, slowest_beside;
    // Each writer's own seconds, by release order: with a stagger, whether the first to start
    // finishes sooner (the disk shared among the writers active at each moment) or all finish
    // together (one journal commit serving every fsync) shows here, not in the pooled median.
    std::vector<std::vector<double>> by_writer(static_cast<size_t>(writers));
    // Streaming neighbours copy images of this size, as the survivors would.
    std::optional<detail::MemoryStreamers> streamers;
    if (want_beside) streamers.emplace(halves[1], n, cfg.landing_resident);
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
      std::vector<double> read, read_beside;
      if (want_read) {
        const double q0 = now_s();
        read = read_cold(writers, n);
        round_s += now_s() - q0;
      }
      if (want_beside) {
        const double q0 = now_s();
        streamers->start();
        read_beside = read_cold(halves[0], n);
        streamers->pause();
        round_s += now_s() - q0;
      }
      if (k < warm) continue;
      tw.insert(tw.end(), wrote.begin(), wrote.end());
      for (size_t j = 0; j < wrote.size(); ++j) by_writer[j].push_back(wrote[j]);
      tr.insert(tr.end(), read.begin(), read.end());
      tb.insert(tb.end(), read_beside.begin(), read_beside.end());
      if (!read.empty()) slowest_read.push_back(*std::max_element(read.begin(), read.end()));
      if (!read_beside.empty()) slowest_beside.push_back(*std::max_element(read_beside.begin(), read_beside.end()));
      rounds.push_back(round_s);
    }
    const nlohmann::json extra = {{"round_median_s", summarize(rounds).median_s}, {"rounds", rounds.size()}};
    if (want_write) {
      nlohmann::json writer_medians = nlohmann::json::array();
      for (const std::vector<double>& own_s : by_writer) writer_medians.push_back(summarize(own_s).median_s);
      nlohmann::json write_extra = extra;
      write_extra["writer_medians_s"] = writer_medians;
      add_point(w, n, summarize(tw), progress, write_extra);
    }
    for (auto [r, wanted, each, slowest] : {std::tuple{&rd, want_read, &tr, &slowest_read},
                                            std::tuple{&beside, want_beside, &tb, &slowest_beside}}) {
      if (!wanted) continue;
      add_point(*r, n, summarize(*each), progress, extra, summarize(*slowest));
    }
    if (streamers) beside.points.back().extra["neighbour_passes"] = streamers->passes();
  }
  w.extra["io"] = io;
  for (auto [r, wanted] : {std::pair{&rd, want_read}, std::pair{&beside, want_beside}}) {
    if (!wanted) continue;
    r->extra["io"] = io;
    r->extra["cold_read_assured"] = all_cold;
    if (all_cold) continue;
    r->notes.push_back(is_tmpfs ? "the directory is on tmpfs: the page cache is the storage, reads are warm"
                                : "some pages stayed in the page cache after POSIX_FADV_DONTNEED: reads were partly warm");
    progress.note("  " + r->name + ": WARNING: cold read NOT assured (" + r->notes.back() + ")");
  }
  std::vector<BenchmarkResult> out = fitted_pair(std::move(w), want_write, std::move(rd), want_read);
  if (want_beside) {
    fit_medians(beside);
    out.push_back(std::move(beside));
  }
  return out;
}

}  // namespace gemini::calibrate
