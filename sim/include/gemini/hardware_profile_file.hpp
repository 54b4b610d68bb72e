// Calibrated hardware profiles: the YAML gemini-calibrate writes (calibrate/profiles/*.yaml).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "gemini/hardware.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini {

// A profile file opened and checked (profile_format 1, `source` and `hardware` present): its top
// level and its `hardware:` block. Throws ConfigError (file:line).
struct CalibratedProfile {
  MapReader file;
  MapReader hardware;
};
CalibratedProfile open_calibrated_profile(const std::string& path);

// One fitted cost of the `hardware:` block, {alpha_s, bandwidth_bytes_per_s}: a positive
// bandwidth and alpha >= 0, else ConfigError at its line.
LinearCost read_profile_cost(const MapReader& hardware, const std::string& key);

// A cost measured with several threads at once (copies, checksums, disk writers or readers),
// e.g. local_disk_write_concurrent: {alpha_s, bandwidth_bytes_per_s, concurrency}, the cost of
// each one while `concurrency` (>= 2) ran together; concurrency = 0 when not measured.
struct ConcurrentCost {
  LinearCost each;
  int concurrency = 0;
  // The slowest of them in each round (a recovery waits for its last rank), where measured.
  std::optional<LinearCost> slowest;
  // Other processes streaming memory beside them while measured (0: none).
  int neighbours = 0;
  // The slowest one's cost where recorded, else each one's.
  const LinearCost& last() const { return slowest ? *slowest : each; }
};
ConcurrentCost read_concurrent_profile_cost(const MapReader& hardware, const std::string& key);

// Replaces the figures the profile measured (GPU-to-CPU copies, local disk, GPU memory) in
// `hardware` and appends to its `source`; the rest stays as it was (datasheet figures or
// overrides). Returns what it replaced. Throws ConfigError (profile file:line) on a bad profile.
std::vector<std::string> apply_calibrated_profile(const std::string& path, HardwareProfile* hardware);

}  // namespace gemini
