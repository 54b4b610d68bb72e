// `gemini-sim SCENARIO.yaml`: Monte Carlo over trials, then the table, JSON and CSV.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "gemini/chrome_trace.hpp"
#include "gemini/commands.hpp"
#include "gemini/monte_carlo.hpp"
#include "gemini/report.hpp"
#include "gemini/scenario.hpp"
#include "gemini/trial_codec.hpp"

namespace gemini {
namespace {

void show_progress(int done, int total) {
  std::fprintf(stderr, "\rtrials %d/%d", done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    if (!f.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

int run_command(const RunOptions& o) {
  Scenario scenario;
  try {
    scenario = load_scenario(o.scenario_path);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (scenario.failures.replayed_ignored > 0) {
    std::cerr << "warning: " << scenario.failures.trace_path << ": " << scenario.failures.replayed_ignored
              << " failure(s) at or after the horizon ignored\n";
  }
  if (o.trials > 0) scenario.trials = o.trials;
  if (o.seed_given) scenario.seed = o.seed;
  try {
    if (o.single_trial >= 0) {
      std::cout << trial_to_json(run_trial(scenario, o.single_trial)).dump(2) << "\n";
      return kExitOk;
    }
    const bool progress = !o.quiet && isatty(STDERR_FILENO);
    const auto results = run_trials(scenario, scenario.trials, o.jobs > 0 ? o.jobs : default_jobs(),
                                    progress ? ProgressFn(show_progress) : nullptr);
    const auto summaries = summarize(scenario, results);
    if (!o.json_path.empty()) {
      write_file_atomically(o.json_path, report_json(scenario, summaries, scenario.seed).dump(2) + "\n");
    }
    if (!o.csv_path.empty()) write_file_atomically(o.csv_path, report_csv(summaries));
    print_table(std::cout, scenario, summaries);
    if (!o.trace_path.empty()) {
      // One more simulation of the chosen trial, with timelines, in a child (one engine each).
      nlohmann::json trace;
      run_forked(
          1, 1, [&](int) { return trace_trial(scenario, o.trace_trial); }, [&](int, nlohmann::json& j) { trace = std::move(j); },
          [&](int) { return "trace of trial " + std::to_string(o.trace_trial); });
      write_file_atomically(o.trace_path, trace.dump() + "\n");
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace gemini
