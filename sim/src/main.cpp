// gemini-sim: project wasted GPU-hours and ETTR of checkpoint strategies for a scenario.
// Only this file includes CLI11; each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include "gemini/commands.hpp"

namespace {

void add_run_options(CLI::App& app, gemini::RunOptions& o) {
  app.add_option("--trials", o.trials, "Monte Carlo trials (default: the scenario's simulation.trials)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", o.seed, "random seed (default: the scenario's simulation.seed)")
      ->each([&o](const std::string&) { o.seed_given = true; });
  app.add_option("--jobs,-j", o.jobs, "worker processes (default: all cores)")->check(CLI::PositiveNumber);
  app.add_option("--json", o.json_path, "write the results as JSON (docs/OUTPUT.md)");
  app.add_option("--csv", o.csv_path, "write one CSV row per strategy");
  app.add_flag("--quiet,-q", o.quiet, "no progress on stderr");
  app.add_option("--trial-in-process", o.single_trial,
                 "run only this trial, in this process, and print its raw JSON (for debugging)")
      ->group("Debugging");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gemini-sim: simulate failures and checkpoint recovery (GEMINI, SOSP'23) on a cluster.\n"
               "Usage: gemini-sim SCENARIO.yaml [options]   or   gemini-sim <subcommand> --help"};
  app.require_subcommand(0, 1);
  gemini::RunOptions run;
  app.add_option("scenario", run.scenario_path, "scenario YAML (docs/SCENARIOS.md)")->check(CLI::ExistingFile);
  add_run_options(app, run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? gemini::kExitOk : gemini::kExitBadInput;
  }
  if (run.scenario_path.empty()) {
    std::cerr << "error: a scenario file is required (see --help)\n";
    return gemini::kExitBadInput;
  }
  return gemini::run_command(run);
}
