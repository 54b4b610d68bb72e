// Failure schedules for gemini-launch (failure_schedule.hpp).
#include "failure_schedule.hpp"

#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace gemini::real {

std::string PlannedFailure::spec() const {
  std::string s = std::to_string(iteration) + ":" + kind + ":";
  for (size_t i = 0; i < targets.size(); ++i) s += (i ? "+" : "") + std::to_string(targets[i]);
  return phase.empty() ? s : s + ":" + phase;
}

PlannedFailure parse_failure(const std::string& spec, const ScheduleLimits& limits) {
  static const std::regex re("([0-9]{1,9}):(process|machine):([0-9]{1,6}(\\+[0-9]{1,6})*)(:(save|replicate|recover))?");
  const auto bad = [&](const std::string& why) { return std::invalid_argument("--fail '" + spec + "': " + why); };
  std::smatch m;
  if (!std::regex_match(spec, m, re)) {
    throw bad("expected ITERATION:process|machine:TARGET[+TARGET...][:save|:replicate|:recover]");
  }
  PlannedFailure f;
  f.iteration = std::stoll(m[1]);
  f.kind = m[2];
  std::stringstream targets(m[3].str());
  for (std::string t; std::getline(targets, t, '+');) f.targets.push_back(std::stoi(t));
  f.phase = m[6].matched ? m[6].str() : "";
  const int limit = f.kind == "process" ? limits.ranks : limits.machines;
  for (int t : f.targets) {
    if (t >= limit) throw bad("target out of range (< " + std::to_string(limit) + ")");
  }
  if (f.iteration < 1 || f.iteration >= limits.iterations) throw bad("iteration must be in [1, --iterations)");
  if (!f.phase.empty() && !limits.debug_pauses) throw bad(":" + f.phase + " needs --debug-pause-ms > 0");
  if (f.phase == "replicate" && !limits.replication) throw bad(":replicate needs --strategy gemini");
  return f;
}

std::vector<PlannedFailure> draw_failures(int count, uint64_t seed, double machine_fraction,
                                          const ScheduleLimits& limits) {
  if (count > 0 && limits.iterations < limits.interval + 2) {
    throw std::invalid_argument("--fail-random needs --iterations > --interval + 1");
  }
  std::vector<std::string> phases = {"", "save", "recover"};
  if (limits.replication) phases.push_back("replicate");
  std::mt19937_64 rng(seed);
  std::vector<PlannedFailure> out;
  for (int i = 0; i < count; ++i) {
    PlannedFailure f;
    f.iteration = limits.interval + 1 +
                  static_cast<int64_t>(rng() % static_cast<uint64_t>(limits.iterations - limits.interval - 1));
    const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
    f.kind = u < machine_fraction ? "machine" : "process";
    f.targets = {static_cast<int>(rng() % static_cast<uint64_t>(f.kind == "process" ? limits.ranks : limits.machines))};
    // Only with pauses, so that schedules drawn without them stay what they were.
    if (limits.debug_pauses) f.phase = phases[rng() % phases.size()];
    out.push_back(f);
  }
  return out;
}

std::string watch_key(const PlannedFailure& f, int ranks_per_machine) {
  const int watched = f.kind == "process" ? f.targets.front() : f.targets.front() * ranks_per_machine;
  const std::string what = f.phase == "save"        ? "saving"
                           : f.phase == "replicate" ? "replicating"
                           : f.phase == "recover"   ? "recovering"
                                                    : "iter";
  return what + "/" + std::to_string(watched);
}

bool can_fire(const PlannedFailure& f, int generation, int64_t reached_before) {
  return f.phase != "recover" || (generation > 0 && reached_before >= f.iteration);
}

bool is_due(const PlannedFailure& f, int64_t reported, int generation, int64_t reached_before) {
  if (reported < 0 || !can_fire(f, generation, reached_before)) return false;
  return f.phase == "recover" || reported >= f.iteration;
}

}  // namespace gemini::real
