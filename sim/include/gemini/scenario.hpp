// A validated scenario: the cluster, model, failures and strategies one `gemini-sim` run compares.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "gemini/hardware.hpp"
#include "gemini/model.hpp"

namespace gemini {

// software: the process restarts on the same machine (its CPU memory survives); hardware: the
// machine is lost with its memory and disks; network: a link or switch is down for a while
// (memory survives, training waits for the network).
enum class FailureKind { software, hardware, network };
enum class FailureModel { exponential, weibull };
enum class StrategyKind { strawman, highfreq, gemini, seed_disk };
enum class Placement { group, ring };

struct ExplicitFailure {
  double at_s = 0;
  std::vector<int> machines;  // machine indices, 0-based
  FailureKind kind = FailureKind::hardware;
  double duration_s = 0;      // network failures: how long the network stays down (0: default)
};

// Groups of `size` consecutive machines (a rack, a switch) that fail together.
struct CorrelatedFailures {
  int size = 1;
  double rate_per_group_per_s = 0;
  FailureKind kind = FailureKind::hardware;
};

struct FailureSpec {
  FailureModel model = FailureModel::exponential;
  double rate_per_machine_per_s = 0;  // independent failures of each machine (mean 1/rate apart)
  double weibull_shape = 1.0;         // model weibull: shape k; scale from the mean 1/rate
  double hardware_fraction = 0.78;    // kind mix of random failures; software takes the rest
  double network_fraction = 0.0;
  double network_outage_s = 600;      // default duration of a network failure
  std::string trace_path;             // replayed failure log (CSV), resolved against the scenario
  std::vector<ExplicitFailure> replayed;  // its rows inside the horizon (no machine = any)
  int replayed_ignored = 0;               // its rows at or after the horizon
  std::vector<CorrelatedFailures> correlated;
  std::vector<ExplicitFailure> events;  // deterministic failures, in addition to the random ones
};

struct RecoverySpec {
  double detection_s = 15;
  double replacement_min_s = 240;  // cloud replacement delay ~ uniform[min, max]
  double replacement_max_s = 420;
  int standby_machines = 0;        // replacements available at once
  double warmup_s = 253;
  double standby_repair_s = 0;     // a used standby slot is refilled this long after (0: never)
};

struct StorageSpec {
  double bandwidth_bytes_per_s = 0;  // aggregate, shared by every machine
  double latency_s = 0;
};

struct StrategySpec {
  std::string name;  // label shown in output ("gemini", "gemini-ring", ...)
  StrategyKind kind = StrategyKind::gemini;
  // Persistent-storage checkpoints (strawman, gemini's safety net); 0 disables.
  double persistent_interval_s = 3 * 3600.0;
  // Blocking serialisation per persistent/disk checkpoint; < 0 derives it from the hardware.
  double serialization_s = -1;
  // Checkpoint every this many iterations (gemini, seed-disk). For highfreq, 0 means
  // "as often as the storage bandwidth allows".
  int64_t interval_iterations = 1;
  // GEMINI only.
  int replicas = 2;
  Placement placement = Placement::group;
  bool interleaved = true;            // false: blocking transfer after each iteration
  double buffer_bytes = 128.0 * 1024 * 1024;  // reserved GPU buffer R
  int sub_buffers = 4;                // p
  double safety_factor = 0.9;         // mu, scales each idle span
};

struct Scenario {
  std::string file;  // where it was loaded from, for messages
  std::string name;
  std::string description;
  int machines = 1;
  HardwareProfile hardware;
  ModelSpec model;
  TrainingSpec training;
  double iteration_time_s = 0;  // 0: derive from FLOPs and the hardware's effective FLOP/s
  double horizon_s = 0;         // wall-clock length of the run
  StorageSpec storage;
  FailureSpec failures;
  RecoverySpec recovery;
  std::vector<StrategySpec> strategies;
  int trials = 1;
  uint64_t seed = 1;

  int total_gpus() const { return machines * hardware.gpus_per_machine; }
};

// A problem in an input file, reported as "file:line: message".
// Control characters of the input echoed into a message (a quoted "a\nb" key, a stray \r) are
// written as \n, \r, \t or \xHH, so that every error is exactly one line (issue 8).
inline std::string one_line(const std::string& text) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) out += std::string("\\x") + hex[u >> 4] + hex[u & 15];
    else out += c;
  }
  return out;
}

struct ConfigError : std::runtime_error {
  ConfigError(std::string file, int line, const std::string& message)
      : std::runtime_error(one_line(file + ":" + std::to_string(line) + ": " + message)),
        file(std::move(file)), line(line) {}
  std::string file;
  int line;
};

// Loads and validates a scenario YAML; model and hardware names resolve against models/
// (searched next to the scenario, then GEMINI_MODELS_DIR / the install's data dir) and the
// built-in hardware profiles. Throws ConfigError on any problem.
Scenario load_scenario(const std::string& path);
// Loads and validates one models/*.yaml architecture. Throws ConfigError.
ModelSpec load_model(const std::string& path);

const char* to_string(StrategyKind kind);
const char* to_string(FailureKind kind);
const char* to_string(FailureModel model);
const char* to_string(Placement placement);

}  // namespace gemini
