// gemini-train: single-process training loop that checkpoints every N iterations to the disk or
// memory store and, on start, resumes from the newest complete checkpoint (memory, then disk).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "checksum.hpp"
#include "cli_common.hpp"
#include "disk_store.hpp"
#include "environment.hpp"
#include "memory_store.hpp"
#include "rank_options.hpp"
#include "rank_worker.hpp"
#include "stats.hpp"
#include "trainer.hpp"

namespace gr = gemini::real;
using Clock = std::chrono::steady_clock;

namespace {

// The shared trainer flags (cli_common.hpp) plus this command's own.
struct Options : gr::TrainerOptions {
  std::string strategy = "memory";
  int64_t interval = 10;
  int64_t iterations = 100;
  std::string job = "train";
  bool fresh = false;
  bool cleanup = false;
};

gr::MemoryStoreConfig memory_config(const Options& o, uint64_t capacity) {
  gr::MemoryStoreConfig c;
  c.job = o.job;
  c.slot_capacity_bytes = capacity;
  c.dir = o.shm_dir;
  return c;
}

gr::DiskStoreConfig disk_config(const Options& o) {
  gr::DiskStoreConfig c{o.dir, o.job, 0, true};
  c.direct_io = o.disk_io == "direct";
  return c;
}

// Newest complete checkpoint: shared memory first (it survives a process crash), then disk.
bool resume(const Options& o, gr::Trainer& trainer, gr::HostBuffer& buffer) {
  std::optional<gr::LoadResult> loaded;
  std::string from;
  try {
    gr::MemoryStore memory(memory_config(o, 0));
    loaded = memory.load_latest(buffer);
    from = "memory";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "[train] no usable memory checkpoint: %s\n", e.what());
  }
  if (!loaded) {
    try {
      gr::DiskStore disk(disk_config(o));
      loaded = disk.load_latest(buffer);
      from = "disk";
    } catch (const std::exception& e) {
      std::fprintf(stderr, "[train] no usable disk checkpoint: %s\n", e.what());
    }
  }
  if (!loaded) return false;
  auto t0 = Clock::now();
  trainer.restore(buffer.data(), loaded->bytes);
  std::fprintf(stderr,
               "[train] resumed from %s at iteration %llu (%llu bytes: fetch %.4f s, verify %.4f s, "
               "restore %.4f s%s)\n",
               from.c_str(), static_cast<unsigned long long>(loaded->iteration),
               static_cast<unsigned long long>(loaded->bytes), loaded->fetch_s, loaded->verify_s,
               gr::seconds_since(t0), from == "disk" ? (loaded->cold ? ", cold" : ", warm") : "");
  return true;
}

int run(const Options& o) {
  const int threads = o.threads > 0 ? o.threads : gr::cpu_count();
  gr::set_checksum_threads(threads);
  gr::TrainerConfig config;
  config.model = gr::preset(o.preset);
  config.device = o.device;
  config.threads = threads;
  config.seed = o.seed;
  gr::Trainer trainer(config);
  gr::HostBuffer buffer = trainer.make_buffer();
  buffer.ensure(trainer.image_bytes());
  std::fprintf(stderr, "[train] preset %s on %s: %lld parameters, image %llu bytes\n",
               o.preset.c_str(), trainer.device().c_str(),
               static_cast<long long>(trainer.parameter_count()),
               static_cast<unsigned long long>(trainer.image_bytes()));

  if (o.fresh) {
    gr::MemoryStore::unlink_segment(memory_config(o, 0));
    gr::DiskStore(disk_config(o)).destroy();
  } else if (!resume(o, trainer, buffer)) {
    std::fprintf(stderr, "[train] starting from iteration 0\n");
  }

  std::unique_ptr<gr::CheckpointStore> store;
  if (o.strategy == "memory") {
    store = std::make_unique<gr::MemoryStore>(memory_config(o, trainer.image_bytes()));
  } else if (o.strategy == "disk") {
    store = std::make_unique<gr::DiskStore>(disk_config(o));
  }

  while (static_cast<int64_t>(trainer.iteration()) < o.iterations) {
    auto t0 = Clock::now();
    const double loss = trainer.train_step();
    const double step_s = gr::seconds_since(t0);
    std::printf("iteration=%llu loss=%.17g step_s=%.6f\n",
                static_cast<unsigned long long>(trainer.iteration()), loss, step_s);
    std::fflush(stdout);
    if (store && static_cast<int64_t>(trainer.iteration()) % o.interval == 0) {
      auto t1 = Clock::now();
      const auto cap = trainer.capture(buffer);
      const auto saved = store->save(buffer.data(), cap.bytes);
      std::fprintf(stderr, "[train] checkpoint %s iteration %llu: %llu bytes, stall %.4f s\n",
                   store->kind().c_str(), static_cast<unsigned long long>(saved.iteration),
                   static_cast<unsigned long long>(saved.bytes), gr::seconds_since(t1));
    }
  }
  if (o.cleanup) {
    gr::MemoryStore::unlink_segment(memory_config(o, 0));
    gr::DiskStore(disk_config(o)).destroy();
  }
  return 0;
}

}  // namespace

// Rank mode (WORLD_SIZE set, normally by gemini-launch): one data-parallel rank.
int rank_main(int argc, char** argv) {
  CLI::App app{"One data-parallel training rank (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT)"};
  gr::RankOptions o;
  o.add_flags(app, true);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return gr::run_rank(o);
}

int main(int argc, char** argv) {
  if (const char* w = std::getenv("WORLD_SIZE"); w && *w) return rank_main(argc, argv);
  CLI::App app{"Train a GPT on synthetic data with periodic checkpoints; resumes on start"};
  Options o;
  gr::add_trainer_options(app, o);
  app.add_option("--strategy", o.strategy, "Where checkpoints go")
      ->check(CLI::IsMember({"disk", "memory", "none"}));
  app.add_option("--interval", o.interval, "Checkpoint every N iterations")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--iterations", o.iterations, "Train until this iteration")->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
  app.add_option("--job", o.job, "Job name (names the checkpoint file and shared memory segment)");
  app.add_flag("--fresh", o.fresh, "Delete this job's checkpoints and start from iteration 0");
  app.add_flag("--cleanup", o.cleanup, "Delete this job's checkpoints at the end");
  return gr::parse_and_run("gemini-train", app, argc, argv, o, run);
}
