// Helpers for tests that run the gemini-sim binary as a subprocess: run it, read files, and a
// scratch directory per test process.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace gemini::test {

namespace fs = std::filesystem;

struct CommandResult {
  int code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `binary args` through the shell (args are shell words, quote paths yourself).
inline CommandResult run_command(const std::string& binary, const std::string& args) {
  const std::string cmd = "'" + binary + "' " + args + " 2>&1";
  CommandResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A scratch directory of this test process, removed at the end.
struct Scratch {
  explicit Scratch(const std::string& prefix)
      : dir(fs::temp_directory_path() / (prefix + std::to_string(::getpid()))) {
    fs::create_directories(dir);
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
  std::string q(const std::string& name) const { return "'" + (dir / name).string() + "'"; }
  fs::path dir;
};

// GEMINI's p4d setting over one day, with a high failure rate so that every run sees some: a
// small scenario for the sweep and determinism tests.
inline std::string small_p4d_scenario(int trials, int seed) {
  return "name: small\n"
         "cluster: {machines: 4, hardware: p4d.24xlarge}\n"
         "model: gpt2-100b\n"
         "training: {iteration_time: 62s}\n"
         "horizon: 1d\n"
         "storage: {bandwidth: 20Gbps}\n"
         "failures: {rate: 10%/day}\n"
         "strategies:\n"
         "  - {name: strawman, kind: strawman, persistent_interval: 3h, serialization: 81s}\n"
         "  - {name: gemini, kind: gemini}\n"
         "simulation: {trials: " + std::to_string(trials) + ", seed: " + std::to_string(seed) + "}\n";
}

}  // namespace gemini::test
