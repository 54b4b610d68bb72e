// Names of the time and recovery categories, as they appear in reports.
#include "gemini/accounting.hpp"

#include <numeric>

namespace gemini {

double StrategyOutcome::total_s() const { return std::accumulate(seconds.begin(), seconds.end(), 0.0); }

const char* to_string(TimeCause cause) {
  static const char* names[] = {"compute", "checkpoint_stall", "detection", "replacement", "retrieval", "warmup"};
  return names[static_cast<size_t>(cause)];
}

const char* to_string(RecoverySource source) {
  static const char* names[] = {"local_cpu", "peer_cpu", "local_disk", "persistent", "scratch"};
  return names[static_cast<size_t>(source)];
}

}  // namespace gemini
