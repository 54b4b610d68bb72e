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
  int trace_trial = 0;    // the trial --trace records
  bool quiet = false;
  int single_trial = -1;  // >= 0: run that trial in-process and print its raw JSON
};
int run_command(const RunOptions& options);

struct PlacementOptions {
  int machines = 0;
  int replicas = 2;
  int lost = 1;
  std::string placement = "group";  // group | ring | mixed (mixed = group: Algorithm 1)
  int64_t trials = 100000;
  uint64_t seed = 1;
  std::string json_path;
};
int placement_command(const PlacementOptions& options);

struct OptimizeOptions {
  std::string scenario_path;
  std::string strategy;  // empty: every strategy of the scenario
  int points = 13;
  int trials = 0;        // 0: the scenario's simulation.trials
  int jobs = 0;
  std::string json_path;
};
int optimize_command(const OptimizeOptions& options);

// Writes through a temporary file and a rename, so a crash never leaves half a file.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace gemini
