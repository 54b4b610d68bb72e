// Runs trials in forked children, collects their JSON results through pipes.
#include "gemini/monte_carlo.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gemini/trial_codec.hpp"

namespace gemini {
namespace {

struct Child {
  pid_t pid = -1;
  int fd = -1;
  int trial = -1;
  std::string data;
};

void write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(3);
    off += static_cast<size_t>(n);
  }
}

Child spawn(const std::function<nlohmann::json(int)>& work, int index) {
  // Buffered output would otherwise be inherited and written again by every child.
  std::cout.flush();
  std::fflush(nullptr);
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    std::string payload;
    try {
      payload = work(index).dump();
    } catch (const std::exception& e) {
      payload = nlohmann::json{{"error", e.what()}}.dump();
      code = 1;
    }
    write_all(fds[1], payload);
    close(fds[1]);
    _exit(code);  // skip atexit handlers and static destructors shared with the parent
  }
  close(fds[1]);
  return {pid, fds[0], index, {}};
}

// Reads what is available; returns false at end of file.
bool drain(Child& c) {
  char buf[65536];
  const ssize_t n = read(c.fd, buf, sizeof buf);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  c.data.append(buf, static_cast<size_t>(n));
  return true;
}

nlohmann::json reap(Child& c, const std::string& label) {
  close(c.fd);
  int status = 0;
  waitpid(c.pid, &status, 0);
  const std::string where = label + ": ";
  if (!WIFEXITED(status)) throw std::runtime_error(where + "worker process died (signal " + std::to_string(WTERMSIG(status)) + ")");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(c.data);
  } catch (const std::exception&) {
    throw std::runtime_error(where + "worker returned no result (exit code " + std::to_string(WEXITSTATUS(status)) + ")");
  }
  if (j.is_object() && j.contains("error")) throw std::runtime_error(where + j["error"].get<std::string>());
  return j;
}

}  // namespace

int default_jobs() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

void run_forked(int count, int jobs, const std::function<nlohmann::json(int)>& work,
                const std::function<void(int, nlohmann::json&)>& done,
                const std::function<std::string(int)>& label) {
  if (jobs < 1) jobs = default_jobs();
  std::vector<Child> running;
  int next = 0, finished = 0;
  try {
    while (finished < count) {
      while (next < count && static_cast<int>(running.size()) < jobs) running.push_back(spawn(work, next++));
      std::vector<pollfd> fds;
      for (const Child& c : running) fds.push_back({c.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) throw std::runtime_error("poll failed");
      for (size_t i = running.size(); i-- > 0;) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        if (drain(running[i])) continue;
        Child child = std::move(running[i]);
        running.erase(running.begin() + static_cast<long>(i));
        nlohmann::json j = reap(child, label(child.trial));
        ++finished;
        done(child.trial, j);
      }
    }
  } catch (...) {
    for (Child& c : running) {  // do not leave workers behind
      kill(c.pid, SIGKILL);
      close(c.fd);
      waitpid(c.pid, nullptr, 0);
    }
    throw;
  }
}

std::vector<TrialResult> run_trials(const Scenario& scenario, int trials, int jobs, const ProgressFn& progress) {
  if (trials < 1) throw std::invalid_argument("trials must be at least 1");
  // Plans (iteration profile, upload times) are the same in every trial: make them once, in a
  // process of their own (one simulation per process), and hand them to every trial.
  std::vector<StrategyPlan> plans;
  run_forked(
      1, 1, [&](int) { return plans_to_json(plan_strategies(scenario)); },
      [&](int, nlohmann::json& j) { plans = plans_from_json(j); }, [](int) { return std::string("planning"); });
  std::vector<TrialResult> results(trials);
  int done = 0;
  run_forked(
      trials, jobs, [&](int t) { return trial_to_json(run_trial(scenario, t, nullptr, &plans)); },
      [&](int t, nlohmann::json& j) {
        results[t] = trial_from_json(j);
        if (progress) progress(++done, trials);
      },
      [](int t) { return "trial " + std::to_string(t); });
  return results;
}

}  // namespace gemini
