// `gemini-sim sweep` and `gemini-sim merge` (docs/SWEEPS.md): options and entry points, declared
// apart from commands.hpp so that only main.cpp pays for CLI11. Exit codes as in commands.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gemini {

struct SweepOptions {
  std::string sweep_path;
  std::string out_dir;   // "": results/sweeps/<sweep name>
  int jobs = 0;          // 0: all cores
  std::string shard;     // "i/n": only points with index % n == i; "": all
  int trials = 0;        // 0: the sweep file's (else the scenario's)
  bool seed_given = false;
  uint64_t seed = 0;
  bool list = false;     // print the points and exit
  bool quiet = false;
};
int sweep_command(const SweepOptions& options);

struct MergeOptions {
  std::vector<std::string> dirs;
  std::string csv_path;   // --out
  std::string json_path;  // --json
  bool allow_missing = false;
};
int merge_command(const MergeOptions& options);

// Point records (one JSON file per finished point) and the tables made from them. Both the
// sweep and merge render through these, so a merged CSV equals an unsharded one byte for byte.
std::string sweep_point_file(const std::string& dir, int index);
std::string sweep_csv(const std::vector<nlohmann::json>& records);
nlohmann::json sweep_json(const std::vector<nlohmann::json>& records);

}  // namespace gemini
