// Host copies and checksums on several threads at once: real/'s ranks all capture (copy +
// XXH64) at the same iteration and all restore at the same recovery. Dividing a lone thread's
// time by the CPU share misses what they also share: the memory bus and the last-level cache.
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../real/src/checksum.hpp"
#include "buffer.hpp"
#include "concurrent.hpp"
#include "gemini/calibrate/benchmarks.hpp"

namespace gemini::calibrate {

BenchmarkResult bench_host_concurrent(const SweepConfig& cfg, const std::string& name, int threads,
                                      Progress& progress) {
  if (threads < 2) throw std::invalid_argument(name + " needs at least 2 threads");
  const bool copy = name == "host-memcpy-concurrent";
  if (!copy && name != "checksum-xxh64-concurrent") throw std::invalid_argument("unknown benchmark " + name);
  BenchmarkResult r;
  r.name = name;
  r.description = std::to_string(threads) + " threads released at once, each " +
                  (copy ? "copying its own pre-faulted buffer into another (memcpy)"
                        : "computing XXH64 (real/'s checksum) over its own pre-faulted buffer") +
                  ", caches flushed before each round; bytes and seconds are per thread";
  const SweepConfig sweep = detail::concurrent_sweep(cfg, threads, r);
  const uint64_t max = sweep.sizes.back();
  std::vector<detail::HostBuffer> src, dst;
  for (int i = 0; i < threads; ++i) {
    src.push_back(detail::make_prefaulted(max, 40 + static_cast<uint64_t>(i)));
    if (copy) dst.push_back(detail::make_prefaulted(max, 80 + static_cast<uint64_t>(i)));
  }
  detail::CacheFlusher flusher;
  r.extra["cache_flush_bytes"] = flusher.bytes;
  std::vector<uint64_t> sinks(static_cast<size_t>(threads), 0);
  detail::sweep_concurrent(sweep, threads, r, progress, [&] { flusher.flush(); }, [&](uint64_t n) {
    return detail::run_together(threads, [&](int j) {
      const auto u = static_cast<size_t>(j);
      const double t0 = now_s();
      if (copy) {
        std::memcpy(dst[u].get(), src[u].get(), n);
        detail::clobber_memory();
      } else {
        sinks[u] += gemini::real::xxh64(src[u].get(), n);
      }
      return now_s() - t0;
    });
  });
  uint64_t sink = 0;
  for (uint64_t s : sinks) sink ^= s;
  r.extra["checksum_sink"] = sink;  // keeps the hashing observable
  detail::fit_concurrent_medians(r);
  return r;
}

}  // namespace gemini::calibrate
