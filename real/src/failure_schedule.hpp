// The failures gemini-launch injects: parsed from --fail specs or drawn from a seed, and the
// status key that says when each one is due.
//   ITERATION:process|machine:TARGET[+TARGET...][:save|:replicate|:recover]
// Without a phase the kill lands when the target reports ITERATION. A phase needs the ranks'
// debug pauses (--debug-pause-ms), which hold each of those phases halfway for that long:
//   save       halfway through the target's first memory save at or after ITERATION;
//   replicate  halfway through the target sending its first replica at or after ITERATION (gemini);
//   recover    while the target is recovering (checkpoint fetched, not yet restored) in the first
//              restart after the job has reached ITERATION.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemini::real {

struct PlannedFailure {
  int64_t iteration = 0;
  std::string kind;          // process | machine
  std::vector<int> targets;  // ranks (process) or machines (machine), killed at once
  std::string phase;         // "" | save | replicate | recover
  bool fired = false;
  std::string spec() const;  // back as ITERATION:KIND:TARGETS[:PHASE]
};

struct ScheduleLimits {
  int ranks = 1;
  int machines = 1;
  int64_t iterations = 1;
  int64_t interval = 1;
  bool debug_pauses = false;  // the ranks pause halfway through saves, replication and recovery
  bool replication = false;   // the strategy replicates (gemini)
};

// Throws std::invalid_argument with a message that names the spec.
PlannedFailure parse_failure(const std::string& spec, const ScheduleLimits& limits);

// `count` failures at iterations uniform in (interval, iterations), targets uniform, machine
// losses with probability `machine_fraction`; with debug pauses, a phase drawn uniformly too.
std::vector<PlannedFailure> draw_failures(int count, uint64_t seed, double machine_fraction,
                                          const ScheduleLimits& limits);

// The store key (without the "g<generation>/" prefix) whose value says how far the watched rank
// is in the failure's phase: iter/<rank>, saving/<rank>, replicating/<rank> or recovering/<rank>.
// The watched rank is the process target, or a machine's first rank.
std::string watch_key(const PlannedFailure& f, int ranks_per_machine);

// Whether `f` is due, given the value under its watch key (`reported`, absent: < 0), the
// generation, and the furthest iteration the job reached before this generation.
bool is_due(const PlannedFailure& f, int64_t reported, int generation, int64_t reached_before);

// Whether `f` can fire in this generation at all (a recover failure needs an earlier restart
// past its iteration); the launcher passes over failures that cannot, keeping the others' order.
bool can_fire(const PlannedFailure& f, int generation, int64_t reached_before);

}  // namespace gemini::real
