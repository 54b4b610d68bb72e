// gemini-launch: starts N ranks of gemini-train on this host grouped into M "machines", hosts the
// rendezvous store (so it survives any rank), supervises the ranks, injects failures (SIGKILL a
// rank; or lose a machine: SIGKILL its ranks and destroy its memory store segments), detects
// deaths, kills the rest of the generation and restarts the job, then writes one JSON per run.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "disk_store.hpp"
#include "dist.hpp"
#include "environment.hpp"
#include "memory_store.hpp"
#include "rank_options.hpp"
#include "rank_worker.hpp"
#include "stats.hpp"

namespace gr = gemini::real;
namespace fs = std::filesystem;
using json = nlohmann::json;

extern char** environ;

namespace {

// SIGTERM/SIGINT (e.g. from `timeout`): kill the ranks and still write the run's JSON.
volatile sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int sig) { g_stop_signal = sig; }

struct Failure {
  int64_t iteration = 0;
  std::string kind;    // process | machine
  std::vector<int> targets;  // ranks (process) or machines (machine), killed at once
  bool during_save = false;
  bool fired = false;
};

struct LaunchOptions {
  int ranks = 4;
  std::vector<std::string> fail;
  int fail_random = 0;
  uint64_t fail_seed = 1;
  double fail_machine_fraction = 0.5;
  int max_restarts = 3;
  std::string out;
  int master_port = 0;
  std::string train_bin;
  bool keep_memory = false;
  bool resume = false;
  bool clean_disk = false;
};

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "gemini-launch: %s\n", what.c_str());
  std::exit(2);
}

Failure parse_failure(const std::string& spec, const gr::RankOptions& o, int ranks) {
  static const std::regex re("([0-9]+):(process|machine):([0-9]+(\\+[0-9]+)*)(:save)?");
  std::smatch m;
  if (!std::regex_match(spec, m, re)) {
    usage_error("--fail '" + spec + "': expected ITERATION:process|machine:TARGET[+TARGET...][:save]");
  }
  Failure f;
  f.iteration = std::stoll(m[1]);
  f.kind = m[2];
  std::stringstream targets(m[3].str());
  for (std::string t; std::getline(targets, t, '+');) f.targets.push_back(std::stoi(t));
  f.during_save = m[5].matched;
  const int limit = f.kind == "process" ? ranks : o.machines;
  for (int t : f.targets) {
    if (t >= limit) usage_error("--fail '" + spec + "': target out of range (< " + std::to_string(limit) + ")");
  }
  if (f.iteration < 1 || f.iteration >= o.iterations) {
    usage_error("--fail '" + spec + "': iteration must be in [1, --iterations)");
  }
  if (f.during_save && o.debug_save_pause_ms <= 0) {
    usage_error("--fail '" + spec + "': :save needs --debug-save-pause-ms > 0");
  }
  return f;
}

std::string random_token() {
  uint8_t raw[16];
  std::ifstream in("/dev/urandom", std::ios::binary);
  in.read(reinterpret_cast<char*>(raw), sizeof raw);
  if (!in) throw std::runtime_error("cannot read /dev/urandom");
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (uint8_t b : raw) s += {hex[b >> 4], hex[b & 15]};
  return s;
}

std::string self_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "." : p.parent_path().string();
}

void wipe_machine(const gr::RankOptions& o, int ranks, int machine) {
  for (int r = 0; r < ranks; ++r) {
    gr::MemoryStoreConfig c;
    c.job = o.job + "-m" + std::to_string(machine);
    c.rank = r;
    c.dir = o.shm_dir;
    gr::MemoryStore::unlink_segment(c);
  }
}

struct Child {
  pid_t pid = -1;
  bool running = false;
  int status = 0;
  double exited_at = 0;
};

struct FailureRecord {
  std::string kind;
  std::vector<int> targets;
  std::vector<int> killed;
  int64_t planned_iteration = -1;
  bool during_save = false;
  int generation = 0;
  double t_kill = 0, t_detect = 0, t_torn = 0;
  int64_t progress = 0;
  std::string detected_as;
};

class Launcher {
 public:
  Launcher(gr::RankOptions o, LaunchOptions l, std::vector<Failure> schedule)
      : o_(std::move(o)), l_(std::move(l)), schedule_(std::move(schedule)) {}

  int run();

 private:
  void spawn(int gen);
  std::optional<int64_t> read_int(const std::string& key);
  int64_t progress(int gen);
  json report(bool completed, int generations);

  gr::RankOptions o_;
  LaunchOptions l_;
  std::vector<Failure> schedule_;
  std::unique_ptr<gr::dist::KvStore> store_;
  std::vector<Child> children_;
  std::vector<FailureRecord> failures_;
  std::vector<double> spawn_times_;
  double t0_ = 0;
  int interrupted_ = 0;  // the signal that stopped the run early (0: none)
};

void Launcher::spawn(int gen) {
  const int rpm = l_.ranks / o_.machines;
  std::vector<std::string> args = {l_.train_bin};
  for (auto& a : o_.to_args()) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  children_.assign(static_cast<size_t>(l_.ranks), Child{});
  spawn_times_.push_back(gr::monotonic_s());
  for (int r = 0; r < l_.ranks; ++r) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string s = *e;
      static const std::regex ours("(RANK|WORLD_SIZE|LOCAL_RANK|MASTER_ADDR|MASTER_PORT|GEMINI_GENERATION)=.*");
      if (!std::regex_match(s, ours)) env.push_back(s);
    }
    env.push_back("RANK=" + std::to_string(r));
    env.push_back("WORLD_SIZE=" + std::to_string(l_.ranks));
    env.push_back("LOCAL_RANK=" + std::to_string(r % rpm));
    env.push_back("MASTER_ADDR=127.0.0.1");
    env.push_back("MASTER_PORT=" + std::to_string(store_->port()));
    env.push_back("GEMINI_GENERATION=" + std::to_string(gen));
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const std::string log = o_.run_dir + "/rank" + std::to_string(r) + ".log";
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot open " + log);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {  // only async-signal-safe calls from here on
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    ::close(fd);
    children_[r] = Child{pid, true, 0, 0};
  }
}

std::optional<int64_t> Launcher::read_int(const std::string& key) {
  auto v = store_->try_get(key);
  if (!v) return std::nullopt;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int64_t Launcher::progress(int gen) {
  int64_t best = 0;
  for (int r = 0; r < l_.ranks; ++r) {
    best = std::max(best, read_int("g" + std::to_string(gen) + "/iter/" + std::to_string(r)).value_or(0));
  }
  return best;
}

int Launcher::run() {
  t0_ = gr::monotonic_s();
  fs::create_directories(o_.run_dir);
  const int rpm = l_.ranks / o_.machines;
  if (!l_.resume) {
    for (int r = 0; r < l_.ranks; ++r) {
      fs::remove(o_.run_dir + "/rank" + std::to_string(r) + ".events.jsonl");
      fs::remove(o_.run_dir + "/rank" + std::to_string(r) + ".log");
      gr::DiskStoreConfig dc{o_.dir, o_.job, r, true, true};
      if (fs::exists(o_.dir)) gr::DiskStore(dc).destroy();
    }
    for (int k = 0; k < o_.machines; ++k) wipe_machine(o_, l_.ranks, k);
  }
  store_ = gr::dist::KvStore::serve(static_cast<uint16_t>(l_.master_port),
                                    std::chrono::milliseconds(int64_t{o_.timeout_s} * 1000));
  store_->set("job/token", random_token());
  std::fprintf(stderr, "[launch] %d ranks in %d machines, store on port %u, strategy %s\n", l_.ranks,
               o_.machines, store_->port(), o_.strategy.c_str());

  int gen = 0;
  bool completed = false;
  spawn(gen);
  for (;;) {
    if (g_stop_signal != 0) {
      std::fprintf(stderr, "[launch] signal %d: stopping generation %d, writing a partial report\n",
                   static_cast<int>(g_stop_signal), gen);
      for (auto& c : children_) {
        if (c.running) ::kill(c.pid, SIGKILL);
      }
      for (auto& c : children_) {
        if (c.running) {
          ::waitpid(c.pid, &c.status, 0);
          c.running = false;
        }
      }
      interrupted_ = static_cast<int>(g_stop_signal);
      break;
    }
    // Reap.
    bool failed = false;
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      for (int r = 0; r < l_.ranks; ++r) {
        Child& c = children_[r];
        if (c.pid != pid || !c.running) continue;
        c.running = false;
        c.status = status;
        c.exited_at = gr::monotonic_s();
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) failed = true;
      }
    }
    const bool all_done = std::none_of(children_.begin(), children_.end(), [](const Child& c) { return c.running; });
    if (!failed && all_done) {
      completed = true;
      break;
    }
    if (failed) {
      const double t_detect = gr::monotonic_s();
      // A planned kill of this generation not yet detected, or an unplanned death.
      FailureRecord* rec = nullptr;
      if (!failures_.empty() && failures_.back().generation == gen && failures_.back().t_detect == 0) {
        rec = &failures_.back();
      } else {
        failures_.emplace_back();
        rec = &failures_.back();
        rec->kind = "crash";
        rec->generation = gen;
        rec->t_kill = t_detect;
        for (int r = 0; r < l_.ranks; ++r) {
          const Child& c = children_[r];
          if (!c.running && !(WIFEXITED(c.status) && WEXITSTATUS(c.status) == 0)) {
            rec->targets.push_back(r);
            rec->killed.push_back(r);
            if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == gr::kRankBadFlags) {
              usage_error("rank " + std::to_string(r) + " rejected its configuration (see " + o_.run_dir + "/rank" +
                          std::to_string(r) + ".log)");
            }
          }
        }
      }
      rec->t_detect = t_detect;
      for (int r = 0; r < l_.ranks; ++r) {
        const Child& c = children_[r];
        if (!c.running && std::find(rec->killed.begin(), rec->killed.end(), r) != rec->killed.end()) {
          rec->detected_as = WIFSIGNALED(c.status) ? "signal " + std::to_string(WTERMSIG(c.status))
                                                   : "exit " + std::to_string(WEXITSTATUS(c.status));
        }
      }
      rec->progress = progress(gen);
      for (auto& c : children_) {
        if (c.running) ::kill(c.pid, SIGKILL);
      }
      for (auto& c : children_) {
        if (c.running) {
          ::waitpid(c.pid, &c.status, 0);
          c.running = false;
        }
      }
      // A lost machine loses its memory: its store segments (own and replicas) are destroyed
      // before anything restarts, so the replacement starts empty.
      if (rec->kind == "machine") {
        for (int k : rec->targets) wipe_machine(o_, l_.ranks, k);
      }
      rec->t_torn = gr::monotonic_s();
      std::fprintf(stderr, "[launch] generation %d: %s %d detected after %.4f s at iteration %lld\n", gen,
                   rec->kind.c_str(), rec->targets.empty() ? -1 : rec->targets.front(), rec->t_detect - rec->t_kill,
                   static_cast<long long>(rec->progress));
      if (g_stop_signal != 0) continue;  // stopping: no new generation
      if (gen >= l_.max_restarts) {
        std::fprintf(stderr, "[launch] giving up after %d restarts\n", gen);
        break;
      }
      ++gen;
      spawn(gen);
      continue;
    }
    // Failure injection, one failure at a time: while a kill of this generation awaits detection
    // (SIGKILL is asynchronous), the next planned failure waits for the restarted job to reach
    // its iteration. Two failures planned at one iteration are two successive events.
    const bool kill_pending = !failures_.empty() && failures_.back().generation == gen && failures_.back().t_detect == 0;
    auto next = std::find_if(schedule_.begin(), schedule_.end(), [](const Failure& f) { return !f.fired; });
    if (next != schedule_.end() && !kill_pending) {
      const int watched = next->kind == "process" ? next->targets.front() : next->targets.front() * rpm;
      const std::string key = "g" + std::to_string(gen) + (next->during_save ? "/saving/" : "/iter/") +
                              std::to_string(watched);
      const auto at = read_int(key);
      if (at && *at >= next->iteration) {
        next->fired = true;
        FailureRecord rec;
        rec.kind = next->kind;
        rec.targets = next->targets;
        rec.planned_iteration = next->iteration;
        rec.during_save = next->during_save;
        rec.generation = gen;
        if (next->kind == "process") {
          rec.killed = next->targets;
        } else {
          for (int k : next->targets) {
            for (int r = k * rpm; r < (k + 1) * rpm; ++r) rec.killed.push_back(r);
          }
        }
        rec.t_kill = gr::monotonic_s();
        for (int r : rec.killed) ::kill(children_[r].pid, SIGKILL);
        failures_.push_back(rec);
        continue;
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }

  const json out = report(completed, gen + 1);
  if (!l_.out.empty()) {
    std::ofstream f(l_.out);
    f << out.dump(2) << "\n";
    if (!f) throw std::runtime_error("cannot write " + l_.out);
  } else {
    std::printf("%s\n", out.dump(2).c_str());
  }
  if (completed && !l_.keep_memory) {
    for (int k = 0; k < o_.machines; ++k) wipe_machine(o_, l_.ranks, k);
  }
  if (completed && l_.clean_disk) {
    for (int r = 0; r < l_.ranks; ++r) gr::DiskStore({o_.dir, o_.job, r, true, true}).destroy();
  }
  return completed ? 0 : 1;
}

json stats_json(const std::vector<double>& v) {
  const gr::PhaseStats s = gr::summarize(v);
  return {{"median_s", s.median_s}, {"p10_s", s.p10_s}, {"p90_s", s.p90_s}, {"count", s.count}};
}

json Launcher::report(bool completed, int generations) {
  // Read every rank's events.
  std::vector<json> events;
  for (int r = 0; r < l_.ranks; ++r) {
    std::ifstream in(o_.run_dir + "/rank" + std::to_string(r) + ".events.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      try {
        events.push_back(json::parse(line));
      } catch (const std::exception&) {
        // a line cut by SIGKILL mid-write (write() of one line is not atomic on every fs)
      }
    }
  }
  std::map<std::string, std::vector<double>> phase;
  std::map<int, std::vector<json>> recoveries;  // by generation
  json model = json::object(), loss = json::array(), finals = json::array();
  std::map<int, double> first_iter_t;  // per generation: earliest iteration event time
  double step_sum = 0, stall_sum = 0;
  int64_t steps = 0;
  std::set<std::pair<int, int>> seen_first;  // (gen, rank) whose first step was skipped
  for (const auto& e : events) {
    const std::string k = e.value("e", "");
    const int gen = e.value("gen", 0);
    const int rank = e.value("rank", 0);
    if (k == "iter") {
      step_sum += e["step_s"].get<double>();
      ++steps;
      if (seen_first.insert({gen, rank}).second) {
        phase["first_iteration_s"].push_back(e["step_s"]);
      } else {
        phase["iteration_s"].push_back(e["step_s"]);
      }
      if (e.contains("allreduce_s")) phase["allreduce_s"].push_back(e["allreduce_s"]);
      if (rank == 0) loss.push_back({{"generation", gen}, {"iteration", e["iteration"]}, {"loss", e["loss"]}});
      auto it = first_iter_t.find(gen);
      if (it == first_iter_t.end() || e["t"].get<double>() < it->second) first_iter_t[gen] = e["t"];
    } else if (k == "save") {
      stall_sum += e["stall_s"].get<double>();
      phase["save_stall_s"].push_back(e["stall_s"]);
      phase["snapshot_copy_s"].push_back(e["snapshot_copy_s"]);
      phase["snapshot_checksum_s"].push_back(e["snapshot_checksum_s"]);
      if (e["memory"].get<bool>()) phase["save_memory_s"].push_back(e["memory_s"]);
      if (e["disk"].get<bool>()) {
        phase["save_disk_s"].push_back(e["disk_s"]);
        phase["save_disk_fsync_s"].push_back(e["disk_fsync_s"]);
      }
      if (o_.strategy == "gemini") phase["replication_wait_s"].push_back(e["replication_wait_s"]);
    } else if (k == "replicate") {
      phase["replicate_put_s"].push_back(e["seconds"]);
    } else if (k == "replicated") {
      phase["replication_background_s"].push_back(e["seconds"]);
    } else if (k == "recovery") {
      recoveries[gen].push_back(e);
    } else if (k == "model" && model.empty()) {
      model = e;
      model.erase("e");
      model.erase("t");
      model.erase("gen");
      model.erase("rank");
    } else if (k == "done") {
      finals.push_back({{"rank", rank}, {"iteration", e["iteration"]}, {"checksum", e["checksum"]}});
      if (e.contains("replica_service")) {
        for (const auto& s : e["replica_service"]["put_receive_s"]) phase["replica_receive_s"].push_back(s);
      }
    }
  }
  // Start-up of each generation (spawn to group ready), and the failures.
  auto max_of = [](const std::vector<json>& v, const std::function<double(const json&)>& f) {
    double m = 0;
    for (const auto& x : v) m = std::max(m, f(x));
    return m;
  };
  json generations_json = json::array();
  for (int gen = 0; gen < generations && gen < static_cast<int>(spawn_times_.size()); ++gen) {
    const auto& rv = recoveries[gen];
    if (static_cast<int>(rv.size()) != l_.ranks) continue;
    const double spawn = spawn_times_[gen];
    generations_json.push_back({{"generation", gen}, {"start_s", spawn - t0_},
                                {"restart_s", max_of(rv, [&](const json& x) { return x["t_group"].get<double>(); }) - spawn}});
  }
  json timeline = json::array();
  for (const auto& f : failures_) {
    json t = {{"time_s", f.t_kill - t0_}, {"generation", f.generation}, {"kind", f.kind}, {"target", f.targets.empty() ? -1 : f.targets.front()}, {"targets", f.targets},
              {"ranks_killed", f.killed}, {"planned_iteration", f.planned_iteration},
              {"during_save", f.during_save}, {"iteration", f.progress}, {"detected_as", f.detected_as},
              {"detection_s", f.t_detect - f.t_kill}, {"teardown_s", f.t_torn - f.t_detect}};
    const int next = f.generation + 1;
    const auto& rv = recoveries[next];
    if (next < static_cast<int>(spawn_times_.size()) && static_cast<int>(rv.size()) == l_.ranks) {
      const double spawn = spawn_times_[next];
      const double group = max_of(rv, [](const json& x) { return x["t_group"].get<double>(); });
      const double ready = max_of(rv, [](const json& x) { return x["t_ready"].get<double>(); });
      std::map<std::string, int> tiers;
      json per_rank = json::array();
      uint64_t bytes = 0;
      for (const auto& x : rv) {
        tiers[x["tier"].get<std::string>()] += 1;
        bytes += x["bytes"].get<uint64_t>();
        per_rank.push_back({{"rank", x["rank"]}, {"tier", x["tier"]}, {"holder", x["holder"]},
                            {"bytes", x["bytes"]}, {"fetch_s", x["fetch_s"]}, {"verify_s", x["verify_s"]},
                            {"load_s", x["load_s"]}, {"cold", x["cold"]},
                            {"retrieval_s", x["t_fetched"].get<double>() - x["t_agreed"].get<double>()},
                            {"tensors", x["tensors"]}, {"tensors_equal", x["tensors_equal"]},
                            {"checkpoint_checksum", x["checkpoint_checksum"]},
                            {"restored_checksum", x["restored_checksum"]}});
      }
      std::string source = tiers.size() == 1 ? tiers.begin()->first : "mixed";
      const uint64_t resumed = rv.front()["iteration"].get<uint64_t>();
      t["source_tier"] = source;
      t["source_tiers"] = tiers;
      t["resumed_iteration"] = resumed;
      t["lost_iterations"] = f.progress - static_cast<int64_t>(resumed);
      t["restart_s"] = group - spawn;
      t["agree_s"] = max_of(rv, [](const json& x) { return x["t_agreed"].get<double>() - x["t_group"].get<double>(); });
      t["retrieval_s"] = max_of(rv, [](const json& x) { return x["t_fetched"].get<double>() - x["t_agreed"].get<double>(); });
      t["load_s"] = max_of(rv, [](const json& x) { return x["load_s"].get<double>(); });
      t["retrieval_bytes"] = bytes;
      t["recovery_s"] = ready - f.t_kill;
      t["first_iteration_after_s"] = first_iter_t.count(next) ? first_iter_t[next] - f.t_kill : 0.0;
      t["ranks"] = per_rank;
      for (const char* p : {"detection_s", "teardown_s", "restart_s", "agree_s", "retrieval_s", "load_s", "recovery_s"}) {
        phase[std::string("recovery_") + p].push_back(t[p]);
      }
      phase["recovery_retrieval_" + source + "_s"].push_back(t["retrieval_s"]);
      phase["lost_iterations"].push_back(t["lost_iterations"].get<double>());
    }
    timeline.push_back(t);
  }
  json phases = json::object();
  for (const auto& [name, v] : phase) phases[name] = stats_json(v);
  const double iteration_s = gr::summarize(phase["iteration_s"]).median_s;
  json out = {
      {"schema", "gemini-run/1"},
      {"config",
       {{"preset", o_.preset}, {"device", o_.device}, {"ranks", l_.ranks}, {"machines", o_.machines},
        {"ranks_per_machine", l_.ranks / o_.machines}, {"strategy", o_.strategy}, {"interval", o_.interval},
        {"persistent_interval", o_.persistent_interval}, {"replicas", o_.replicas},
        {"placement", o_.placement}, {"iterations", o_.iterations}, {"seed", o_.seed},
        {"threads", o_.threads}, {"job", o_.job}, {"dir", o_.dir}, {"shm_dir", o_.shm_dir},
        {"bind", o_.bind}, {"collective", o_.collective}, {"max_restarts", l_.max_restarts}, {"fail", l_.fail},
        {"fail_random", l_.fail_random}, {"fail_seed", l_.fail_seed},
        {"debug_save_pause_ms", o_.debug_save_pause_ms}}},
      {"environment",
       {{"host", gr::host_name()}, {"kernel", gr::kernel_release()}, {"cpu_model", gr::cpu_model()},
        {"cpu_count", gr::cpu_count()}, {"world_size", l_.ranks},
        {"libtorch_version", model.value("torch", "")}, {"backend", model.value("backend", "")},
        {"gpu_name", model.value("gpu", "")},
        {"dir_filesystem", fs::exists(o_.dir) ? gr::filesystem_type(o_.dir) : ""},
        {"shm_filesystem", gr::filesystem_type(o_.shm_dir.empty() ? "/dev/shm" : o_.shm_dir)}}},
      {"model", model},
      {"checkpoint_bytes_per_rank", model.value("image_bytes", uint64_t{0})},
      {"replication_bytes_per_checkpoint_per_rank",
       o_.strategy == "gemini" ? model.value("image_bytes", uint64_t{0}) * static_cast<uint64_t>(o_.replicas - 1) : 0},
      {"iteration",
       {{"step_median_s", iteration_s},
        {"effective_s", steps > 0 ? (step_sum + stall_sum) / static_cast<double>(steps) : 0.0},
        {"stall_per_iteration_s", steps > 0 ? stall_sum / static_cast<double>(steps) : 0.0},
        {"steps", steps}}},
      {"phases", phases},
      {"generations", generations_json},
      {"timeline", timeline},
      {"loss", loss},
      {"final", finals},
      {"outcome", {{"completed", completed}, {"generations", generations},
                   {"restarts", generations - 1}, {"interrupted_by_signal", interrupted_},
                   {"wall_s", gr::monotonic_s() - t0_}}}};
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Start, supervise, fail and restart a data-parallel gemini-train job on this host"};
  gr::RankOptions o;
  LaunchOptions l;
  o.run_dir = "";
  o.add_flags(app, true);
  app.add_option("--ranks", l.ranks, "Ranks (WORLD_SIZE)")->check(CLI::Range(1, 4096));
  app.add_option("--fail", l.fail, "Failure ITERATION:process|machine:TARGET[:save] (repeatable)");
  app.add_option("--fail-random", l.fail_random, "Draw this many failures at random")->check(CLI::Range(0, 1000));
  app.add_option("--fail-seed", l.fail_seed, "Seed of the random failures");
  app.add_option("--fail-machine-fraction", l.fail_machine_fraction, "Share of random failures that lose a machine")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-restarts", l.max_restarts, "Give up after this many restarts")->check(CLI::Range(0, 10000));
  app.add_option("--out", l.out, "Write the run's JSON here (default: stdout)");
  app.add_option("--master-port", l.master_port, "Rendezvous store port (0: any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--train-bin", l.train_bin, "gemini-train executable (default: next to gemini-launch)");
  app.add_flag("--keep-memory", l.keep_memory, "Keep the memory store segments after a clean end");
  app.add_flag("--resume", l.resume, "Keep existing checkpoints of this job at start (default: wipe them)");
  app.add_flag("--clean-disk", l.clean_disk, "Delete this job's disk checkpoints after a clean end");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (const std::string problem = o.check(l.ranks); !problem.empty()) usage_error(problem);
  if (o.run_dir.empty()) o.run_dir = "/tmp/gemini-run-" + o.job;
  if (l.train_bin.empty()) l.train_bin = self_dir() + "/gemini-train";
  if (::access(l.train_bin.c_str(), X_OK) != 0) usage_error("cannot execute " + l.train_bin + " (see --train-bin)");
  std::vector<Failure> schedule;
  for (const auto& spec : l.fail) schedule.push_back(parse_failure(spec, o, l.ranks));
  if (l.fail_random > 0) {
    if (o.iterations < o.interval + 2) usage_error("--fail-random needs --iterations > --interval + 1");
    std::mt19937_64 rng(l.fail_seed);
    for (int i = 0; i < l.fail_random; ++i) {
      Failure f;
      f.iteration = o.interval + 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(o.iterations - o.interval - 1));
      const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
      f.kind = u < l.fail_machine_fraction ? "machine" : "process";
      f.targets = {static_cast<int>(rng() % static_cast<uint64_t>(f.kind == "process" ? l.ranks : o.machines))};
      schedule.push_back(f);
      l.fail.push_back(std::to_string(f.iteration) + ":" + f.kind + ":" + std::to_string(f.targets.front()));
    }
  }
  std::stable_sort(schedule.begin(), schedule.end(),
                   [](const Failure& a, const Failure& b) { return a.iteration < b.iteration; });
  if (static_cast<int>(schedule.size()) > l.max_restarts) {
    usage_error(std::to_string(schedule.size()) + " failures need --max-restarts >= " + std::to_string(schedule.size()));
  }
  struct sigaction stop{};
  stop.sa_handler = on_stop_signal;
  sigemptyset(&stop.sa_mask);
  ::sigaction(SIGTERM, &stop, nullptr);
  ::sigaction(SIGINT, &stop, nullptr);
  try {
    Launcher launcher(o, l, schedule);
    return launcher.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemini-launch: error: %s\n", e.what());
    return 1;
  }
}
