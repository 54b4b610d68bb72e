// gemini-sim: project wasted GPU-hours and ETTR of checkpoint strategies for a scenario.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "gemini/monte_carlo.hpp"
#include "gemini/report.hpp"
#include "gemini/scenario.hpp"
#include "gemini/trial_codec.hpp"

namespace {

constexpr int kExitBadInput = 2;

// Writes through a temporary file and a rename, so a crash never leaves half a report.
void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << text;
    if (!f.flush()) throw std::runtime_error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

void show_progress(int done, int total) {
  std::fprintf(stderr, "\rtrials %d/%d", done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gemini-sim: simulate failures and checkpoint recovery (GEMINI, SOSP'23) on a cluster"};
  std::string scenario_path, json_path, csv_path;
  int trials = 0, jobs = 0;
  uint64_t seed = 0;
  bool quiet = false;
  int single_trial = -1;
  app.add_option("scenario", scenario_path, "scenario YAML (see docs/SCENARIOS.md)")->required()->check(CLI::ExistingFile);
  app.add_option("--trials", trials, "Monte Carlo trials (default: the scenario's simulation.trials)")->check(CLI::PositiveNumber);
  app.add_option("--seed", seed, "random seed (default: the scenario's simulation.seed)");
  app.add_option("--jobs,-j", jobs, "worker processes (default: all cores)")->check(CLI::PositiveNumber);
  app.add_option("--json", json_path, "write the results as JSON (docs/OUTPUT.md)");
  app.add_option("--csv", csv_path, "write one CSV row per strategy");
  app.add_flag("--quiet,-q", quiet, "no progress on stderr");
  app.add_option("--trial-in-process", single_trial,
                 "run only this trial, in this process, and print its raw JSON (for debugging)")
      ->group("Debugging");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  gemini::Scenario scenario;
  try {
    scenario = gemini::load_scenario(scenario_path);
  } catch (const gemini::ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (trials > 0) scenario.trials = trials;
  if (app.count("--seed")) scenario.seed = seed;

  try {
    if (single_trial >= 0) {
      std::cout << gemini::trial_to_json(gemini::run_trial(scenario, single_trial)).dump(2) << "\n";
      return 0;
    }
    const bool progress = !quiet && isatty(STDERR_FILENO);
    const auto results = gemini::run_trials(scenario, scenario.trials, jobs > 0 ? jobs : gemini::default_jobs(),
                                            progress ? gemini::ProgressFn(show_progress) : nullptr);
    const auto summaries = gemini::summarize(scenario, results);
    if (!json_path.empty()) {
      write_file_atomically(json_path, gemini::report_json(scenario, summaries, scenario.seed).dump(2) + "\n");
    }
    if (!csv_path.empty()) write_file_atomically(csv_path, gemini::report_csv(summaries));
    gemini::print_table(std::cout, scenario, summaries);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
