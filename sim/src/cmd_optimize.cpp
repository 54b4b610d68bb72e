// `gemini-sim optimize SCENARIO.yaml`: the checkpoint interval (GEMINI: and replica count) that
// minimises wasted GPU-hours, with the curve it searched.
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "gemini/commands.hpp"
#include "gemini/monte_carlo.hpp"
#include "gemini/optimize.hpp"

namespace gemini {
namespace {

void print_result(const OptimizeResult& r) {
  std::cout << "\n" << r.strategy << ":\n";
  for (size_t i = 0; i < r.curve.size(); ++i) {
    const StrategySummary& m = r.curve[i].summary;
    std::cout << (i == r.best ? "  * " : "    ") << std::left << std::setw(40) << r.curve[i].knob << std::right
              << std::fixed << std::setprecision(1) << std::setw(14) << m.wasted_gpu_hours.mean << " +- "
              << std::setw(8) << (m.wasted_gpu_hours.hi - m.wasted_gpu_hours.mean) << " GPU-h wasted   ETTR "
              << std::setprecision(4) << m.ettr.mean << "\n";
  }
  std::cout << "  best: " << r.curve[r.best].knob;
  if (r.daly_interval_s > 0) {
    std::cout << std::setprecision(1) << "; parabola through the curve: " << r.parabola_interval_s
              << " s; Daly's formula: " << r.daly_interval_s << " s";
  }
  std::cout << "\n";
}

nlohmann::json result_json(const OptimizeResult& r) {
  nlohmann::json j{{"strategy", r.strategy}, {"best", r.curve[r.best].knob}};
  if (r.daly_interval_s > 0) {
    j["daly_interval_s"] = r.daly_interval_s;
    j["parabola_interval_s"] = r.parabola_interval_s;
  }
  for (const OptimizeCandidate& c : r.curve) {
    const StrategySummary& m = c.summary;
    j["curve"].push_back({{"knob", c.knob},
                          {"persistent_interval_s", c.spec.persistent_interval_s},
                          {"interval_iterations", c.spec.interval_iterations},
                          {"replicas", c.spec.replicas},
                          {"wasted_gpu_hours", {{"mean", m.wasted_gpu_hours.mean}, {"ci95", {m.wasted_gpu_hours.lo, m.wasted_gpu_hours.hi}}}},
                          {"ettr", {{"mean", m.ettr.mean}, {"ci95", {m.ettr.lo, m.ettr.hi}}}}});
  }
  return j;
}

}  // namespace

int optimize_command(const OptimizeOptions& o) {
  Scenario s;
  try {
    s = load_scenario(o.scenario_path);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::vector<StrategySpec> targets;
  for (const StrategySpec& spec : s.strategies) {
    if (o.strategy.empty() || spec.name == o.strategy) targets.push_back(spec);
  }
  if (targets.empty()) {
    std::cerr << "error: the scenario has no strategy named '" << o.strategy << "'\n";
    return kExitBadInput;
  }
  const int trials = o.trials > 0 ? o.trials : s.trials;
  std::cout << "optimising " << s.name << " over " << trials << " trial(s) per candidate (common random numbers)\n";
  nlohmann::json out{{"scenario", s.name}, {"trials", trials}, {"strategies", nlohmann::json::array()}};
  try {
    for (const StrategySpec& spec : targets) {
      const OptimizeResult r = optimize_strategy(s, spec, o.points, trials, o.jobs > 0 ? o.jobs : default_jobs());
      print_result(r);
      out["strategies"].push_back(result_json(r));
    }
    if (!o.json_path.empty()) write_file_atomically(o.json_path, out.dump(2) + "\n");
  } catch (const std::invalid_argument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace gemini
