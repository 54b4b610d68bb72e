// gemini-launch's supervisor loop (launcher.hpp).
#include "launcher.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "disk_store.hpp"
#include "environment.hpp"
#include "hex_text.hpp"
#include "memory_store.hpp"
#include "rank_worker.hpp"

extern char** environ;

namespace gemini::real::launch {

namespace fs = std::filesystem;

namespace {

// The signal that asked the launcher to stop (0: none); read by Launcher::run.
volatile sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int sig) { g_stop_signal = sig; }

std::string random_token() {
  uint8_t raw[16];
  std::ifstream in("/dev/urandom", std::ios::binary);
  in.read(reinterpret_cast<char*>(raw), sizeof raw);
  if (!in) throw std::runtime_error("cannot read /dev/urandom");
  return hex_encode(raw, sizeof raw);
}

// The last non-empty line of a text file ("" if none): a rank's own account of why it died.
std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// A lost machine loses its memory: every store segment named for it (own and held replicas).
void wipe_machine(const RankOptions& o, int ranks, int machine) {
  for (int r = 0; r < ranks; ++r) {
    MemoryStoreConfig c;
    c.job = o.job + "-m" + std::to_string(machine);
    c.rank = r;
    c.dir = o.shm_dir;
    MemoryStore::unlink_segment(c);
  }
}

}  // namespace

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "gemini-launch: %s\n", what.c_str());
  std::exit(2);
}

std::string self_dir() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "." : p.parent_path().string();
}

void install_stop_handlers() {
  struct sigaction stop {};
  stop.sa_handler = on_stop_signal;
  sigemptyset(&stop.sa_mask);
  ::sigaction(SIGTERM, &stop, nullptr);
  ::sigaction(SIGINT, &stop, nullptr);
}

void Launcher::spawn(int gen) {
  const int rpm = l_.ranks / o_.machines;
  std::vector<std::string> args = {l_.train_bin};
  for (auto& a : o_.to_args()) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  children_.assign(static_cast<size_t>(l_.ranks), Child{});
  spawn_times_.push_back(monotonic_s());
  const bool inherited_nccl_hostid = std::getenv("NCCL_HOSTID") != nullptr;
  for (int r = 0; r < l_.ranks; ++r) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
      const std::string s = *e;
      static const std::regex ours(
          "(RANK|WORLD_SIZE|LOCAL_RANK|MASTER_ADDR|MASTER_PORT|GEMINI_GENERATION|GEMINI_JOB_TOKEN|GEMINI_GPU_SLOT)=.*");
      if (!std::regex_match(s, ours)) env.push_back(s);
    }
    env.push_back("RANK=" + std::to_string(r));
    env.push_back("WORLD_SIZE=" + std::to_string(l_.ranks));
    env.push_back("LOCAL_RANK=" + std::to_string(r % rpm));
    env.push_back("MASTER_ADDR=" + store_->host());
    env.push_back("MASTER_PORT=" + std::to_string(store_->port()));
    env.push_back("GEMINI_GENERATION=" + std::to_string(gen));
    env.push_back("GEMINI_JOB_TOKEN=" + token_);
    env.push_back("GEMINI_GPU_SLOT=" + std::to_string(r));  // every "machine" is on this host
    // NCCL takes ranks with one host hash for one host (and refuses two of them on one GPU).
    // Each emulated machine gets its own host id, so NCCL joins machines through its network
    // transport as it would real ones; a host id set for the launcher is passed on instead.
    if (!inherited_nccl_hostid) env.push_back("NCCL_HOSTID=" + o_.job + "-machine" + std::to_string(r / rpm));
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

bool Launcher::trained_in(int gen) {
  for (int r = 0; r < l_.ranks; ++r) {
    if (read_int("g" + std::to_string(gen) + "/iter/" + std::to_string(r))) return true;
  }
  return false;
}

// The furthest iteration any rank of generation `gen` reached, or resumed from if it trained none.
int64_t Launcher::progress(int gen) {
  int64_t best = 0;
  for (int r = 0; r < l_.ranks; ++r) {
    const std::string rank = std::to_string(r);
    best = std::max(best, read_int("g" + std::to_string(gen) + "/iter/" + rank).value_or(0));
    best = std::max(best, read_int("g" + std::to_string(gen) + "/resumed/" + rank).value_or(0));
  }
  return best;
}

void Launcher::kill_generation() {
  for (auto& c : children_) {
    if (c.running) ::kill(c.pid, SIGKILL);
  }
  for (auto& c : children_) {
    if (c.running) {
      ::waitpid(c.pid, &c.status, 0);
      c.running = false;
    }
  }
}

int Launcher::run() {
  t0_ = monotonic_s();
  fs::create_directories(o_.run_dir);
  const int rpm = l_.ranks / o_.machines;
  // The ranks' event logs describe this launch only (the report is built from them); the
  // checkpoints of an earlier launch stay with --resume.
  for (int r = 0; r < l_.ranks; ++r) {
    fs::remove(o_.run_dir + "/rank" + std::to_string(r) + ".events.jsonl");
    fs::remove(o_.run_dir + "/rank" + std::to_string(r) + ".log");
  }
  if (!l_.resume) {
    for (int r = 0; r < l_.ranks; ++r) {
      DiskStoreConfig dc{o_.dir, o_.job, r, true, true};
      if (fs::exists(o_.dir)) DiskStore(dc).destroy();
    }
    for (int k = 0; k < o_.machines; ++k) wipe_machine(o_, l_.ranks, k);
  }
  store_ = dist::KvStore::serve(o_.bind, static_cast<uint16_t>(l_.master_port),
                                    std::chrono::milliseconds(int64_t{o_.timeout_s} * 1000));
  token_ = random_token();
  std::fprintf(stderr, "[launch] %d ranks in %d machines, store on port %u, strategy %s\n", l_.ranks,
               o_.machines, store_->port(), o_.strategy.c_str());

  int gen = 0;
  bool completed = false;
  spawn(gen);
  for (;;) {
    if (g_stop_signal != 0) {
      std::fprintf(stderr, "[launch] signal %d: stopping generation %d, writing a partial report\n",
                   static_cast<int>(g_stop_signal), gen);
      kill_generation();
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
        c.exited_at = monotonic_s();
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) failed = true;
      }
    }
    const bool all_done = std::none_of(children_.begin(), children_.end(), [](const Child& c) { return c.running; });
    if (!failed && all_done) {
      completed = true;
      break;
    }
    if (failed) {
      const double t_detect = monotonic_s();
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
            if (WIFEXITED(c.status) && WEXITSTATUS(c.status) == kRankBadFlags) {
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
      kill_generation();
      // A lost machine loses its memory: its store segments (own and replicas) are destroyed
      // before anything restarts, so the replacement starts empty.
      if (rec->kind == "machine") {
        for (int k : rec->targets) wipe_machine(o_, l_.ranks, k);
      }
      rec->t_torn = monotonic_s();
      std::fprintf(stderr, "[launch] generation %d: %s %d detected after %.4f s at iteration %lld\n", gen,
                   rec->kind.c_str(), rec->targets.empty() ? -1 : rec->targets.front(), rec->t_detect - rec->t_kill,
                   static_cast<long long>(rec->progress));
      if (rec->kind == "crash") {
        // Say why, from the rank's own log, and stop retrying what cannot work: two generations
        // in a row that crashed unprovoked before training an iteration fail the same way again.
        const int r = rec->targets.empty() ? 0 : rec->targets.front();
        const std::string why = last_line(o_.run_dir + "/rank" + std::to_string(r) + ".log");
        std::fprintf(stderr, "[launch] rank %d: %s\n", r, why.empty() ? rec->detected_as.c_str() : why.c_str());
        startup_crashes_ = trained_in(gen) ? 0 : startup_crashes_ + 1;
        if (startup_crashes_ >= 2) {
          gave_up_ = "rank " + std::to_string(r) + " failed before training in two generations in a row (" +
                     (why.empty() ? rec->detected_as : why) + ")";
          std::fprintf(stderr, "[launch] giving up: %s; see %s/rank%d.log\n", gave_up_.c_str(), o_.run_dir.c_str(), r);
          break;
        }
      } else {
        startup_crashes_ = 0;
      }
      if (g_stop_signal != 0) continue;  // stopping: no new generation
      if (gen >= l_.max_restarts) {
        gave_up_ = "--max-restarts " + std::to_string(l_.max_restarts) + " reached";
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
    const int64_t reached_before = failures_.empty() ? 0 : failures_.back().progress;
    auto next = std::find_if(schedule_.begin(), schedule_.end(), [&](const PlannedFailure& f) {
      return !f.fired && can_fire(f, gen, reached_before);
    });
    if (next != schedule_.end() && !kill_pending) {
      const auto at = read_int("g" + std::to_string(gen) + "/" + watch_key(*next, rpm));
      if (is_due(*next, at ? *at : -1, gen, reached_before)) {
        next->fired = true;
        FailureRecord rec;
        rec.kind = next->kind;
        rec.targets = next->targets;
        rec.planned_iteration = next->iteration;
        rec.phase = next->phase;
        rec.generation = gen;
        if (next->kind == "process") {
          rec.killed = next->targets;
        } else {
          for (int k : next->targets) {
            for (int r = k * rpm; r < (k + 1) * rpm; ++r) rec.killed.push_back(r);
          }
        }
        rec.t_kill = monotonic_s();
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
    for (int r = 0; r < l_.ranks; ++r) DiskStore({o_.dir, o_.job, r, true, true}).destroy();
  }
  return completed ? 0 : 1;
}

}  // namespace gemini::real::launch
