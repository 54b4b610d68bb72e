// Where the job's wall-clock time went, by cause; every simulated second lands in one bucket.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace gemini {

enum class TimeCause { compute, checkpoint_stall, detection, replacement, retrieval, warmup, count };
enum class RecoverySource { local_cpu, peer_cpu, local_disk, persistent, scratch, count };

struct StrategyOutcome {
  std::array<double, static_cast<std::size_t>(TimeCause::count)> seconds{};  // sums to the horizon
  double lost_progress_s = 0;  // compute later discarded by rollbacks (part of `compute`)
  int64_t failures = 0;
  int64_t final_iteration = 0;
  std::array<int64_t, static_cast<std::size_t>(RecoverySource::count)> recoveries{};

  double& at(TimeCause c) { return seconds[static_cast<std::size_t>(c)]; }
  double at(TimeCause c) const { return seconds[static_cast<std::size_t>(c)]; }
  double total_s() const;
  double productive_s() const { return at(TimeCause::compute) - lost_progress_s; }
  double wasted_s() const { return total_s() - productive_s(); }
  // Wasted time caused by failures (everything but checkpoint stalls).
  double failure_wasted_s() const { return wasted_s() - at(TimeCause::checkpoint_stall); }
};

const char* to_string(TimeCause cause);
const char* to_string(RecoverySource source);

}  // namespace gemini
