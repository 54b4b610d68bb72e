// Sweep files: a base scenario plus axes over any of its keys (docs/SWEEPS.md). Reading one
// expands and validates every point up front, so a bad value is reported (file:line, exit 2)
// before anything runs. No SimGrid here.
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemini/scenario.hpp"

namespace gemini {

struct SweepAxis {
  std::string key;                  // dotted path into the scenario: "strategies[2].replicas"
  std::string column;               // CSV column (default: the key)
  std::vector<YAML::Node> values;   // one YAML value per step
  std::vector<std::string> labels;  // each value as text (what the CSV shows)
  std::vector<int> lines;           // line of each value in the sweep file (a range: its line)
  int line = 0;                     // line of the axis entry
};

struct SweepPoint {
  int index = 0;
  std::vector<std::string> labels;  // one per axis
  std::string key;                  // fingerprint of the point's resolved scenario, trials and seed
  Scenario scenario;
};

struct SweepSpec {
  std::string file;
  std::string name;
  std::string description;
  std::string base_path;  // the base scenario, resolved against the sweep file's folder
  bool zip = false;       // false: product of the axes (last axis fastest); true: zipped
  std::vector<SweepAxis> axes;
  std::vector<SweepPoint> points;
  std::string fingerprint;  // of the whole sweep (every point key); shards must agree on it
};

struct SweepOverrides {  // command-line overrides of the sweep file's trials / seed
  int trials = 0;
  bool seed_given = false;
  uint64_t seed = 0;
};

// Reads, expands and validates a sweep file. Throws ConfigError ("file:line: message").
SweepSpec load_sweep(const std::string& path, const SweepOverrides& overrides = {});

// Sets the value at a dotted path ("a.b[2].c") in `root`, creating missing mappings; a bare
// list item ("- gemini") that must hold a key becomes {name: gemini}. Throws
// std::invalid_argument naming the part of the path that does not fit.
void set_yaml_path(YAML::Node root, const std::string& path, const YAML::Node& value);

// 64-bit FNV-1a as 16 hex digits (stable fingerprints for resumable sweeps).
std::string fingerprint_hex(const std::string& text);

}  // namespace gemini
