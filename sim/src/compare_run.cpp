// Reads gemini-launch's run JSON (schema gemini-run/1, docs/REAL.md) for `gemini-sim compare`.
#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gemini/compare.hpp"
#include "gemini/profile_fields.hpp"

namespace gemini::compare {
namespace {

using json = nlohmann::json;

class Reader {
 public:
  Reader(const json& root, std::string path) : root_(root), path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& message) const { throw RunFileError(path_ + ": " + message); }

  const json& at(const json& node, const std::string& key, const std::string& where) const {
    if (!node.is_object() || !node.contains(key)) fail("missing '" + key + "' in " + where);
    return node[key];
  }
  double number(const json& node, const std::string& key, const std::string& where) const {
    const json& v = at(node, key, where);
    if (!v.is_number()) fail("'" + where + "." + key + "' must be a number, got " + v.dump());
    return v.get<double>();
  }
  int64_t integer(const json& node, const std::string& key, const std::string& where) const {
    const json& v = at(node, key, where);
    if (!v.is_number_integer()) fail("'" + where + "." + key + "' must be an integer, got " + v.dump());
    return v.get<int64_t>();
  }
  std::string text(const json& node, const std::string& key, const std::string& where) const {
    const json& v = at(node, key, where);
    if (!v.is_string()) fail("'" + where + "." + key + "' must be a string, got " + v.dump());
    return v.get<std::string>();
  }

 private:
  const json& root_;
  std::string path_;
};

// The most ranks of one recovery whose retrievals began on one CPU; 0 unless every rank says
// where (cpu_at_agreed >= 0): runs before 2026-11-29 22:50 do not.
int busiest_cpu_ranks(const json& recovery) {
  if (!recovery.contains("ranks") || !recovery["ranks"].is_array() || recovery["ranks"].empty()) return 0;
  std::vector<int> cpus;
  for (const json& rank : recovery["ranks"]) {
    const int cpu = rank.is_object() && rank.contains("cpu_at_agreed") && rank["cpu_at_agreed"].is_number_integer()
                        ? rank["cpu_at_agreed"].get<int>()
                        : -1;
    if (cpu < 0) return 0;
    cpus.push_back(cpu);
  }
  return profile::busiest_cpu_count(cpus);
}

}  // namespace

MeasuredRun load_measured_run(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw RunFileError(path + ": cannot open the measurement file");
  std::stringstream ss;
  ss << in.rdbuf();
  json root;
  try {
    root = json::parse(ss.str());
  } catch (const json::parse_error& e) {
    throw RunFileError(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  const Reader r(root, path);
  if (!root.is_object()) r.fail("expected a JSON object (gemini-launch --out)");
  const std::string schema = root.value("schema", "");
  if (schema != "gemini-run/1") {
    r.fail("schema is '" + schema + "', expected 'gemini-run/1' (a gemini-launch --out file, docs/REAL.md)");
  }
  MeasuredRun m;
  m.path = path;
  const json& cfg = r.at(root, "config", "the file");
  m.preset = r.text(cfg, "preset", "config");
  m.strategy = r.text(cfg, "strategy", "config");
  m.ranks = static_cast<int>(r.integer(cfg, "ranks", "config"));
  m.machines = static_cast<int>(r.integer(cfg, "machines", "config"));
  m.ranks_per_machine = static_cast<int>(r.integer(cfg, "ranks_per_machine", "config"));
  m.interval = r.integer(cfg, "interval", "config");
  m.persistent_interval = r.integer(cfg, "persistent_interval", "config");
  m.replicas = static_cast<int>(r.integer(cfg, "replicas", "config"));
  m.iterations = r.integer(cfg, "iterations", "config");
  m.placement = cfg.value("placement", "group");
  // Runs written before these keys existed ran on the CPU with one checksum thread.
  m.device = cfg.value("device", std::string("cpu"));
  m.threads = static_cast<int>(cfg.value("threads", int64_t{1}));
  if (m.ranks < 1 || m.machines < 1 || m.ranks_per_machine * m.machines != m.ranks) {
    r.fail("config: ranks " + std::to_string(m.ranks) + " do not split evenly into " + std::to_string(m.machines) +
           " machines");
  }
  if (m.strategy != "disk" && m.strategy != "memory" && m.strategy != "gemini") {
    r.fail("config.strategy '" + m.strategy + "' has no checkpoints to compare (disk, memory or gemini)");
  }
  if (m.interval < 1) r.fail("config.interval must be >= 1");
  const json& env = r.at(root, "environment", "the file");
  m.cpu_count = static_cast<int>(r.integer(env, "cpu_count", "environment"));
  // Runs written before the key existed put every rank on one GPU.
  m.gpus_used = std::max(1, static_cast<int>(env.value("gpus_used", int64_t{1})));
  if (cfg.value("replication_transport", std::string("tcp")) != "tcp") {
    r.fail("config.replication_transport is '" + cfg.value("replication_transport", std::string()) +
           "': compare predicts real/'s TCP replica path only");
  }
  // Runs written before the key existed replicated in the background unless over NCCL (refused above).
  if (root.contains("model") && root["model"].is_object() && root["model"].value("replication_in_line", false)) {
    r.fail("model.replication_in_line is true (--replication-mode in-line): compare predicts replication "
           "in the background, overlapped with training");
  }
  if (m.threads < 1) m.threads = std::max(1, m.cpu_count);  // --threads 0: all online CPUs
  m.cpu_model = env.value("cpu_model", "");
  m.host = env.value("host", "");
  m.kernel = env.value("kernel", "");
  m.image_bytes = static_cast<double>(r.integer(root, "checkpoint_bytes_per_rank", "the file"));
  if (!(m.image_bytes > 0)) r.fail("checkpoint_bytes_per_rank must be > 0");
  const json& it = r.at(root, "iteration", "the file");
  m.steps = r.integer(it, "steps", "iteration");
  m.step_mean_s = r.number(it, "effective_s", "iteration") - r.number(it, "stall_per_iteration_s", "iteration");
  if (m.steps < 1 || !(m.step_mean_s > 0)) r.fail("iteration: no training steps were measured");
  const json& phases = r.at(root, "phases", "the file");
  if (!phases.is_object()) r.fail("'phases' must be an object");
  for (const auto& [name, p] : phases.items()) {
    const std::string where = "phases." + name;
    Spread s;
    s.median_s = r.number(p, "median_s", where);
    s.p10_s = r.number(p, "p10_s", where);
    s.p90_s = r.number(p, "p90_s", where);
    s.count = r.integer(p, "count", where);
    m.phases[name] = s;
  }
  for (const auto& g : r.at(root, "generations", "the file")) {
    m.generation_start_s.push_back(r.number(g, "start_s", "generations[]"));
    m.generation_restart_s.push_back(r.number(g, "restart_s", "generations[]"));
  }
  if (m.generation_start_s.empty()) r.fail("'generations' is empty: the job never started");
  int index = 0;
  for (const auto& t : r.at(root, "timeline", "the file")) {
    const std::string where = "timeline[" + std::to_string(index++) + "]";
    MeasuredFailure f;
    f.time_s = r.number(t, "time_s", where);
    f.kind = r.text(t, "kind", where);
    f.generation = static_cast<int>(r.integer(t, "generation", where));
    f.iteration = r.integer(t, "iteration", where);
    for (const auto& x : r.at(t, "targets", where)) f.targets.push_back(x.get<int>());
    f.detection_s = r.number(t, "detection_s", where);
    f.teardown_s = r.number(t, "teardown_s", where);
    f.recovered = t.contains("recovery_s");
    if (f.recovered) {
      f.resumed_iteration = r.integer(t, "resumed_iteration", where);
      f.lost_iterations = r.integer(t, "lost_iterations", where);
      f.source_tier = r.text(t, "source_tier", where);
      for (const auto& [tier, n] : r.at(t, "source_tiers", where).items()) f.source_tiers[tier] = n.get<int>();
      f.restart_s = r.number(t, "restart_s", where);
      f.agree_s = r.number(t, "agree_s", where);
      f.retrieval_s = r.number(t, "retrieval_s", where);
      f.load_s = r.number(t, "load_s", where);
      f.recovery_s = r.number(t, "recovery_s", where);
      f.busiest_cpu_ranks = busiest_cpu_ranks(t);
    }
    m.failures.push_back(std::move(f));
  }
  const json& outcome = r.at(root, "outcome", "the file");
  m.completed = outcome.value("completed", false);
  m.wall_s = r.number(outcome, "wall_s", "outcome");
  if (outcome.contains("shutdown_s")) m.shutdown_s = r.number(outcome, "shutdown_s", "outcome");
  if (root.contains("disk_saves")) {
    for (const json& d : r.at(root, "disk_saves", "the file")) {
      const int64_t rank = r.integer(d, "rank", "disk_saves[]");
      if (rank < 0 || rank >= m.ranks) r.fail("disk_saves[]: rank " + std::to_string(rank) + " outside 0.." + std::to_string(m.ranks - 1));
      std::vector<double>& starts =
          m.disk_save_starts_s[{r.integer(d, "generation", "disk_saves[]"), r.integer(d, "iteration", "disk_saves[]")}];
      starts.resize(static_cast<size_t>(m.ranks), std::numeric_limits<double>::quiet_NaN());
      starts[static_cast<size_t>(rank)] = r.number(d, "start_s", "disk_saves[]");
    }
  }
  return m;
}

}  // namespace gemini::compare
