// gemini-bench-ckpt: measures iteration time, checkpoint save stalls and load times for the disk
// and memory stores on one trainer, and writes them as medians with p10/p90 to one JSON file.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <unistd.h>

#include "bench_output.hpp"
#include "checksum.hpp"
#include "cli_common.hpp"
#include "disk_store.hpp"
#include "environment.hpp"
#include "memory_store.hpp"
#include "stats.hpp"
#include "trainer.hpp"

namespace gr = gemini::real;
using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

namespace {

struct Options : gr::TrainerOptions {
  int reps = 10;
  int warmup = 3;
  std::string job;
  std::string out = "-";
  bool keep = false;
};

double median(const std::vector<double>& v) { return gr::percentile(v, 50); }

int run(const Options& o) {
  const int threads = o.threads > 0 ? o.threads : gr::cpu_count();
  gr::set_checksum_threads(threads);
  gr::TrainerConfig config;
  config.model = gr::preset(o.preset);
  config.device = o.device;
  config.threads = threads;
  config.seed = o.seed;
  gr::Trainer trainer(config);
  const uint64_t image_bytes = trainer.image_bytes();
  std::fprintf(stderr, "[bench] preset %s on %s: %lld parameters, image %llu bytes, %d threads\n",
               o.preset.c_str(), trainer.device().c_str(),
               static_cast<long long>(trainer.parameter_count()),
               static_cast<unsigned long long>(image_bytes), threads);

  const std::string job = o.job.empty() ? "bench-" + std::to_string(::getpid()) : o.job;
  gr::DiskStoreConfig disk_config{o.dir, job, 0, true};
  disk_config.direct_io = o.disk_io == "direct";
  gr::DiskStore disk(disk_config);
  gr::MemoryStoreConfig mem_config;
  mem_config.job = job;
  mem_config.slot_capacity_bytes = image_bytes;
  mem_config.dir = o.shm_dir;
  gr::MemoryStore::unlink_segment(mem_config);  // a stale segment of the same name
  gr::MemoryStore memory(mem_config);
  std::map<std::string, gr::CheckpointStore*> stores{{"disk", &disk}, {"memory", &memory}};
  gr::HostBuffer buffer = trainer.make_buffer();
  buffer.ensure(image_bytes);

  std::vector<double> losses;
  for (int i = 0; i < o.warmup; ++i) losses.push_back(trainer.train_step());
  std::fprintf(stderr, "[bench] %d warm-up iterations done\n", o.warmup);

  std::map<std::string, std::vector<double>> t;  // phase -> seconds
  std::map<std::string, std::vector<uint64_t>> bytes;
  int cold_reads = 0, disk_reads = 0, direct_reads = 0, disk_writes = 0, direct_writes = 0;

  for (int i = 0; i < o.reps; ++i) {
    trainer.synchronize();
    auto t0 = Clock::now();
    losses.push_back(trainer.train_step());
    trainer.synchronize();
    t["iteration_s"].push_back(gr::seconds_since(t0));
  }
  std::fprintf(stderr, "[bench] iteration: median %.4f s\n", median(t["iteration_s"]));

  // One untimed round per store first: page faults of first touch are not a steady-state cost.
  for (auto& [kind, store] : stores) {
    trainer.capture(buffer);
    store->save(buffer.data(), image_bytes);
    auto r = store->load_latest(buffer);
    trainer.restore(buffer.data(), r->bytes);
  }

  for (int rep = 0; rep < o.reps; ++rep) {
    losses.push_back(trainer.train_step());  // the state moves between repetitions
    const std::vector<std::string> order =
        rep % 2 == 0 ? std::vector<std::string>{"memory", "disk"} : std::vector<std::string>{"disk", "memory"};
    for (const auto& kind : order) {
      trainer.synchronize();
      auto t0 = Clock::now();
      const gr::CaptureResult cap = trainer.capture(buffer);
      const gr::SaveResult saved = stores[kind]->save(buffer.data(), cap.bytes);
      t["save_" + kind + "_s"].push_back(gr::seconds_since(t0));
      t["save_" + kind + "_store_s"].push_back(saved.write_s + saved.commit_s);
      t["snapshot_s"].push_back(cap.copy_s + cap.checksum_s);
      t["snapshot_copy_s"].push_back(cap.copy_s);
      t["snapshot_checksum_s"].push_back(cap.checksum_s);
      if (kind == "disk") {
        t["save_disk_fsync_s"].push_back(saved.commit_s);
        ++disk_writes;
        direct_writes += saved.direct_io ? 1 : 0;
      }
      bytes["save_" + kind + "_bytes"].push_back(saved.bytes);
    }
    for (const auto& kind : order) {
      const uint64_t expect = trainer.iteration();
      auto loaded = stores[kind]->load_latest(buffer);
      if (!loaded) throw std::runtime_error(kind + " store lost its checkpoint");
      if (loaded->iteration != expect) throw std::runtime_error(kind + " store returned a stale checkpoint");
      auto t0 = Clock::now();
      trainer.restore(buffer.data(), loaded->bytes);
      const double restore_s = gr::seconds_since(t0);
      t["load_" + kind + "_s"].push_back(loaded->fetch_s + loaded->verify_s + restore_s);
      t["load_" + kind + "_fetch_s"].push_back(loaded->fetch_s);
      t["load_verify_s"].push_back(loaded->verify_s);
      t["restore_s"].push_back(restore_s);
      bytes["load_" + kind + "_bytes"].push_back(loaded->bytes);
      if (kind == "disk") {
        ++disk_reads;
        cold_reads += loaded->cold ? 1 : 0;
        direct_reads += loaded->direct_io ? 1 : 0;
      }
    }
    std::fprintf(stderr, "[bench] rep %d/%d: save disk %.4f s, memory %.4f s; load disk %.4f s, memory %.4f s\n",
                 rep + 1, o.reps, t["save_disk_s"].back(), t["save_memory_s"].back(),
                 t["load_disk_s"].back(), t["load_memory_s"].back());
  }
  if (!o.keep) {
    disk.destroy();
    memory.destroy();
  }

  const gr::ImageBreakdown b = trainer.image_breakdown();
  json out;
  out["schema"] = "gemini-bench-ckpt/1";
  const auto& m = config.model;
  out["config"] = {{"preset", o.preset}, {"layers", m.layers}, {"hidden", m.hidden},
                   {"heads", m.heads}, {"vocab", m.vocab}, {"seq_len", m.seq_len},
                   {"micro_batch", m.micro_batch}, {"dtype", "f32"}, {"optimizer", "adamw"},
                   {"device", trainer.device()}, {"threads", threads}, {"reps", o.reps},
                   {"warmup_iterations", o.warmup}, {"seed", o.seed}, {"dir", o.dir}, {"disk_io", o.disk_io},
                   {"shm", memory.name()}};
  json env = gr::environment_json(trainer);
  env["dir_filesystem"] = gr::filesystem_type(o.dir);
  env["shm_filesystem"] = gr::filesystem_type(o.shm_dir.empty() ? "/dev/shm" : o.shm_dir);
  env["pinned_host_buffer"] = buffer.pinned();
  out["environment"] = env;
  out["model"] = {{"parameters", trainer.parameter_count()},
                  {"parameters_expected", m.expected_parameters()},
                  {"checkpoint_bytes", b.total_bytes}, {"weights_bytes", b.weights_bytes},
                  {"optimizer_bytes", b.optimizer_bytes}, {"other_bytes", b.other_bytes}};
  json phases = json::object();
  for (const auto& [name, v] : t) phases[name] = gr::phase_json(v);
  out["phases"] = phases;
  json saves = json::object();
  for (const auto& [name, v] : bytes) saves[name] = v;
  out["bytes"] = saves;
  out["disk"] = {{"reads", disk_reads}, {"cold_reads", cold_reads},
                 {"cold_assured", disk_reads > 0 && cold_reads == disk_reads},
                 {"writes", disk_writes}, {"direct_io_writes", direct_writes}, {"direct_io_reads", direct_reads}};
  const double it = median(t["iteration_s"]);
  out["ratios"] = {
      {"save_disk_over_memory", median(t["save_disk_s"]) / median(t["save_memory_s"])},
      {"load_disk_over_memory", median(t["load_disk_s"]) / median(t["load_memory_s"])},
      {"load_fetch_disk_over_memory", median(t["load_disk_fetch_s"]) / median(t["load_memory_fetch_s"])},
      {"save_disk_over_iteration", median(t["save_disk_s"]) / it},
      {"save_memory_over_iteration", median(t["save_memory_s"]) / it}};
  out["loss"] = {{"first", losses.front()}, {"last", losses.back()},
                 {"data_entropy_nats", trainer.data_entropy_nats()}};

  gr::write_report(out, o.out, "[bench]");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measure checkpoint save/load for the disk and memory stores on a GPT trainer"};
  Options o;
  gr::add_trainer_options(app, o);
  app.add_option("--reps", o.reps, "Repetitions per phase")->check(CLI::Range(1, 100000));
  app.add_option("--warmup", o.warmup, "Untimed training iterations first")->check(CLI::Range(0, 100000));
  app.add_option("--job", o.job, "Job name for checkpoint and segment names (default bench-<pid>)");
  app.add_option("--out", o.out, "JSON output file ('-' for stdout)");
  app.add_flag("--keep", o.keep, "Keep the checkpoint file and shared memory segment");
  return gr::parse_and_run("gemini-bench-ckpt", app, argc, argv, o, run);
}
