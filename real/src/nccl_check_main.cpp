// gemini-nccl-check: runs real/'s NCCL paths (NcclComm: join, barrier, size exchange, chunked
// image exchange through device staging) on the GPUs of this host, one thread per GPU, and checks
// every received byte. With one GPU the rank exchanges with itself. Built only with NCCL.
//   gemini-nccl-check [--gpus N] [--mib 512] [--reps 5] [--chunk-mib 64] [--json out.json]
#include <CLI/CLI.hpp>
#include <cuda_runtime.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>
#include <vector>

#include "local_rendezvous.hpp"
#include "nccl_comm.hpp"
#include "stats.hpp"

namespace gr = gemini::real;
using json = nlohmann::json;

namespace {

uint8_t pattern(int rank, uint64_t i) { return static_cast<uint8_t>(i * 31 + static_cast<uint64_t>(rank) * 7 + 1); }

struct RankResult {
  std::string error;
  std::vector<double> exchange_s;
  uint64_t mismatched_bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Check real/'s NCCL paths on this host's GPUs (one thread per GPU, ring exchange)"};
  int gpus = 0;
  uint64_t mib = 512, chunk_mib = 64;
  int reps = 5;
  std::string json_path;
  app.add_option("--gpus", gpus, "GPUs to use (0: all visible)")->check(CLI::Range(0, 64));
  app.add_option("--mib", mib, "Bytes each rank sends per exchange, in MiB")->check(CLI::Range(1, 1 << 20));
  app.add_option("--chunk-mib", chunk_mib, "Device staging chunk in MiB")->check(CLI::Range(1, 1 << 16));
  app.add_option("--reps", reps, "Timed exchanges")->check(CLI::Range(1, 1000));
  app.add_option("--json", json_path, "Also write the results here");
  CLI11_PARSE(app, argc, argv);

  std::printf("%s\n", gr::NcclComm::describe().c_str());
  int visible = 0;
  if (const cudaError_t e = cudaGetDeviceCount(&visible); e != cudaSuccess || visible == 0) {
    std::fprintf(stderr, "gemini-nccl-check: no CUDA device (%s)\n",
                 e != cudaSuccess ? cudaGetErrorString(e) : "0 devices");
    return 2;
  }
  const int world = gpus > 0 ? gpus : visible;
  if (world > visible) {
    std::fprintf(stderr, "gemini-nccl-check: --gpus %d but %d visible (NCCL needs one GPU per rank)\n", world, visible);
    return 2;
  }
  const uint64_t bytes = mib << 20;
  gr::LocalRendezvous store;
  std::vector<RankResult> results(static_cast<size_t>(world));
  std::vector<std::thread> threads;
  for (int rank = 0; rank < world; ++rank) {
    threads.emplace_back([&, rank] {
      RankResult& r = results[static_cast<size_t>(rank)];
      try {
        gr::NcclConfig c;
        c.rank = rank;
        c.world = world;
        c.device = rank;
        c.prefix = "check";
        c.timeout = std::chrono::seconds(120);
        c.chunk_bytes = chunk_mib << 20;
        gr::NcclComm comm(c, store.view());
        comm.barrier();
        const int to = (rank + 1) % world, from = (rank + world - 1) % world;
        std::vector<uint8_t> out(bytes), in(bytes);
        for (uint64_t i = 0; i < bytes; ++i) out[i] = pattern(rank, i);
        const std::vector<gr::NcclHostSend> sends{{to, out.data(), bytes}};
        const auto sizes = comm.exchange_sizes(sends, {from});
        if (sizes.size() != 1 || sizes[0] != bytes) throw std::runtime_error("size exchange returned the wrong size");
        const std::vector<gr::NcclHostRecv> recvs{{from, in.data(), bytes}};
        comm.exchange(sends, recvs);  // warm-up: staging allocations, connections
        for (int k = 0; k < reps; ++k) {
          std::fill(in.begin(), in.end(), uint8_t{0});
          r.exchange_s.push_back(comm.exchange(sends, recvs));
          for (uint64_t i = 0; i < bytes; ++i) r.mismatched_bytes += in[i] != pattern(from, i);
        }
        comm.barrier();
      } catch (const std::exception& e) {
        r.error = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();

  bool ok = true;
  json out = {{"nccl", gr::NcclComm::describe()}, {"gpus", world}, {"bytes_per_rank", bytes},
              {"chunk_bytes", chunk_mib << 20}, {"ranks", json::array()}};
  for (int rank = 0; rank < world; ++rank) {
    const RankResult& r = results[static_cast<size_t>(rank)];
    json j = {{"rank", rank}, {"error", r.error}, {"mismatched_bytes", r.mismatched_bytes}};
    if (!r.exchange_s.empty()) {
      const gr::PhaseStats st = gr::summarize(r.exchange_s);
      j["exchange_s"] = {{"median", st.median_s}, {"p10", st.p10_s}, {"p90", st.p90_s}, {"count", st.count}};
      std::printf("rank %d (cuda:%d): exchange of %llu MiB median %.4f s (p10 %.4f, p90 %.4f, n=%zu) = %.2f GB/s, "
                  "%llu bytes wrong\n",
                  rank, rank, static_cast<unsigned long long>(mib), st.median_s, st.p10_s, st.p90_s, st.count,
                  static_cast<double>(bytes) / st.median_s / 1e9, static_cast<unsigned long long>(r.mismatched_bytes));
    }
    if (!r.error.empty()) std::printf("rank %d: error: %s\n", rank, r.error.c_str());
    ok = ok && r.error.empty() && r.mismatched_bytes == 0 && !r.exchange_s.empty();
    out["ranks"].push_back(j);
  }
  out["ok"] = ok;
  if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
  std::printf("%s\n", ok ? "NCCL check passed" : "NCCL check FAILED");
  return ok ? 0 : 1;
}
