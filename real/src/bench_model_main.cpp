// gemini-bench-model: what a hardware profile needs about the model itself, for a sweep of GPT
// sizes on this host: the time of one training step (forward + backward + AdamW, one process)
// with its FLOPs by formula (model_flops.hpp), and the cost of turning the training state into
// an image and back, without any store: capture (copy + per-tensor checksums + header), and
// restore as a load path does it (verify every checksum, then Trainer::restore). One JSON file.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench_output.hpp"
#include "checksum.hpp"
#include "cli_common.hpp"
#include "environment.hpp"
#include "model_flops.hpp"
#include "state_image.hpp"
#include "stats.hpp"
#include "trainer.hpp"

namespace gr = gemini::real;
using Clock = std::chrono::steady_clock;
using json = nlohmann::ordered_json;

namespace {

// Of the trainer options only device, threads and seed are used: main removes the other flags.
struct Options : gr::TrainerOptions {
  std::vector<std::string> sizes{"tiny", "2x128", "small", "6x384"};
  int64_t vocab = 0, seq_len = 0, micro_batch = 0;  // for LxH sizes; 0: the small preset's
  int reps = 5;
  int warmup = 2;
  std::string out = "-";
};

std::string with_commas(int64_t n) {  // n >= 0
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(s.begin() + i, ',');
  return s;
}

std::vector<gr::GptConfig> parse_sizes(const Options& o) {
  gr::GptConfig base = gr::preset("small");
  if (o.vocab > 0) base.vocab = o.vocab;
  if (o.seq_len > 0) base.seq_len = o.seq_len;
  if (o.micro_batch > 0) base.micro_batch = o.micro_batch;
  std::vector<gr::GptConfig> models;
  for (const auto& spec : o.sizes) models.push_back(gr::model_size(spec, base));
  if (models.empty()) throw std::invalid_argument("--sizes is empty");
  return models;
}

// Timed phases of one size: iteration, capture (+ its copy and checksum parts), restore (+ its
// verify and copy parts), seconds per repetition.
std::map<std::string, std::vector<double>> measure(gr::Trainer& trainer, int reps, int warmup) {
  for (int i = 0; i < warmup; ++i) trainer.train_step();
  std::map<std::string, std::vector<double>> t;
  for (int i = 0; i < reps; ++i) {
    trainer.synchronize();
    const auto t0 = Clock::now();
    trainer.train_step();
    trainer.synchronize();
    t["iteration"].push_back(gr::seconds_since(t0));
  }
  gr::HostBuffer buffer = trainer.make_buffer();
  // rep -1 is untimed: first-touch page faults of the buffer are not a steady-state cost.
  for (int rep = -1; rep < reps; ++rep) {
    trainer.synchronize();
    const auto t0 = Clock::now();
    const gr::CaptureResult cap = trainer.capture(buffer);
    const double capture_s = gr::seconds_since(t0);
    const auto t1 = Clock::now();
    gr::verify_image(buffer.data(), cap.bytes);  // what every store's load does before restore
    const double verify_s = gr::seconds_since(t1);
    const auto t2 = Clock::now();
    trainer.restore(buffer.data(), cap.bytes);  // synchronises the device
    const double copy_s = gr::seconds_since(t2);
    if (rep < 0) continue;
    t["capture"].push_back(capture_s);
    t["capture_copy"].push_back(cap.copy_s);
    t["capture_checksum"].push_back(cap.checksum_s);
    t["restore"].push_back(verify_s + copy_s);
    t["restore_verify"].push_back(verify_s);
    t["restore_copy"].push_back(copy_s);
  }
  return t;
}

json point_json(const gr::Trainer& trainer, const std::map<std::string, std::vector<double>>& t) {
  const gr::GptConfig& m = trainer.config().model;
  const gr::IterationFlops flops = gr::training_flops(m);
  json p{{"name", m.name}, {"layers", m.layers}, {"hidden", m.hidden}, {"heads", m.heads},
         {"ffn_hidden", m.ffn()}, {"vocab", m.vocab}, {"seq_len", m.seq_len},
         {"micro_batch", m.micro_batch}, {"parameters", trainer.parameter_count()},
         {"matmul_parameters", gr::matmul_parameters(m)}, {"image_bytes", trainer.image_bytes()},
         {"flops_per_iteration", flops.total()}, {"attention_flops_per_iteration", flops.attention}};
  for (const char* phase : {"iteration", "capture", "restore", "capture_copy", "capture_checksum",
                            "restore_verify", "restore_copy"}) {
    p[phase] = gr::phase_json(t.at(phase));
  }
  p["effective_flops_per_s"] = flops.total() / p["iteration"]["median_s"].get<double>();
  return p;
}

int run(const Options& o) {
  const std::vector<gr::GptConfig> models = parse_sizes(o);  // bad input fails before any work
  const int threads = o.threads > 0 ? o.threads : gr::cpu_count();
  gr::set_checksum_threads(threads);
  json out;
  out["schema"] = "gemini-bench-model/1";
  out["config"] = {{"device", o.device}, {"threads", threads}, {"reps", o.reps},
                   {"warmup_iterations", o.warmup}, {"seed", o.seed}, {"dtype", "f32"},
                   {"optimizer", "adamw"}, {"sizes", o.sizes}};
  json points = json::array();
  for (size_t i = 0; i < models.size(); ++i) {
    gr::TrainerConfig config;
    config.model = models[i];
    config.device = o.device;
    config.threads = threads;
    config.seed = o.seed;
    gr::Trainer trainer(config);
    if (i == 0) {
      out["environment"] = gr::environment_json(trainer);
      out["environment"]["threads"] = threads;
    }
    const json p = point_json(trainer, measure(trainer, o.reps, o.warmup));
    std::fprintf(stderr,
                 "[model %zu/%zu] %s: %s parameters, iteration median %.4f s (%.2f GFLOP/s), "
                 "capture %.4f s, restore %.4f s\n",
                 i + 1, models.size(), models[i].name.c_str(),
                 with_commas(trainer.parameter_count()).c_str(), p["iteration"]["median_s"].get<double>(),
                 p["effective_flops_per_s"].get<double>() / 1e9, p["capture"]["median_s"].get<double>(),
                 p["restore"]["median_s"].get<double>());
    points.push_back(p);
  }
  out["points"] = points;
  gr::write_report(out, o.out, "[model]");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Measure training-step FLOP/s and training-state capture/restore over GPT sizes"};
  Options o;
  gr::add_trainer_options(app, o);
  for (const char* unused : {"--preset", "--dir", "--shm-dir"}) {
    app.remove_option(app.get_option(unused));  // sizes come from --sizes; no store is used
  }
  app.add_option("--sizes", o.sizes,
                 "Comma-separated presets (tiny, small, seed) or LAYERSxHIDDEN (default tiny,2x128,small,6x384)")
      ->delimiter(',');
  app.add_option("--vocab", o.vocab, "Vocabulary of LAYERSxHIDDEN sizes (default: small's)")
      ->check(CLI::Range(2, 1 << 20));
  app.add_option("--seq-len", o.seq_len, "Sequence length of LAYERSxHIDDEN sizes (default: small's)")
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--micro-batch", o.micro_batch, "Micro-batch of LAYERSxHIDDEN sizes (default: small's)")
      ->check(CLI::Range(1, 1 << 16));
  app.add_option("--reps", o.reps, "Timed repetitions per phase and size")->check(CLI::Range(1, 100000));
  app.add_option("--warmup", o.warmup, "Untimed training iterations first, per size")
      ->check(CLI::Range(0, 100000));
  app.add_option("--out", o.out, "JSON output file ('-' for stdout)");
  bool quick = false;
  app.add_flag("--quick", quick, "--reps 3 --warmup 1 --sizes tiny,2x128 (flags given explicitly win)");
  // --quick fills in only what was not given, so it is applied after parsing.
  auto run_quick = [&](const Options& given) {
    Options q = given;
    if (quick) {
      if (app.count("--reps") == 0) q.reps = 3;
      if (app.count("--warmup") == 0) q.warmup = 1;
      if (app.count("--sizes") == 0) q.sizes = {"tiny", "2x128"};
    }
    return run(q);
  };
  return gr::parse_and_run("gemini-bench-model", app, argc, argv, o, run_quick);
}
