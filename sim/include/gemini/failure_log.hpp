// Replay of a real failure log: CSV rows "time,machine,kind[,duration]".
#pragma once
#include <string>
#include <vector>

#include "gemini/scenario.hpp"

namespace gemini {

struct FailureLog {
  std::vector<ExplicitFailure> failures;  // machines empty = "any" (drawn per trial)
  int ignored_outside_horizon = 0;
};

// time: a duration with unit ("3h") or plain seconds; machine: an index or `any`; kind:
// software | hardware | network; duration (network only, optional). A header row starting with
// "time" and lines starting with '#' are skipped. Any malformed row throws ConfigError naming
// the CSV file and line.
FailureLog read_failure_log(const std::string& path, int machines, double horizon_s);

}  // namespace gemini
