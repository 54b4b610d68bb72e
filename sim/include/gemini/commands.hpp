// gemini-sim's subcommands: plain option structs and entry points, so that only main.cpp pays
// for CLI11. Each returns the process exit code (0 ok, 1 failure while running, 2 bad input).
#pragma once
#include <cstdint>
#include <string>

namespace gemini {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

struct RunOptions {
  std::string scenario_path;
  int trials = 0;        // 0: the scenario's simulation.trials
  bool seed_given = false;
  uint64_t seed = 0;
  int jobs = 0;          // 0: all cores
  std::string json_path, csv_path, trace_path;
  bool quiet = false;
  int single_trial = -1;  // >= 0: run that trial in-process and print its raw JSON
};
int run_command(const RunOptions& options);

// Writes through a temporary file and a rename, so a crash never leaves half a file.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace gemini
