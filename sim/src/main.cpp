// gemini-sim: project wasted GPU-hours and ETTR of checkpoint strategies for a scenario.
// Only this file includes CLI11; each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "gemini/commands.hpp"
#include "gemini/compare.hpp"
#include "gemini/sweep_commands.hpp"

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
  app.add_option("--trace", o.trace_path,
                 "also write one trial (--trace-trial) as Chrome trace-event JSON (Perfetto, chrome://tracing)");
  app.add_option("--trace-trial", o.trace_trial, "trial index that --trace records (default 0)")
      ->check(CLI::NonNegativeNumber);
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

  gemini::PlacementOptions placement;
  CLI::App* placement_cmd = app.add_subcommand(
      "placement", "probability of recovering from CPU memory when k machines fail at once (exact and Monte Carlo)");
  placement_cmd->add_option("--machines,-N", placement.machines, "machines N")->required();
  placement_cmd->add_option("--replicas,-m", placement.replicas, "replicas m, the local copy included");
  placement_cmd->add_option("--lost,-k", placement.lost, "machines lost at once k")->required();
  placement_cmd->add_option("--placement", placement.placement, "group | ring | mixed (Algorithm 1's groups + ring tail)")
      ->check(CLI::IsMember({"group", "ring", "mixed"}));
  placement_cmd->add_option("--trials", placement.trials, "Monte Carlo draws")->check(CLI::PositiveNumber);
  placement_cmd->add_option("--seed", placement.seed, "Monte Carlo seed");
  placement_cmd->add_option("--json", placement.json_path, "write exact and monte_carlo as JSON");

  gemini::OptimizeOptions optimize;
  CLI::App* optimize_cmd = app.add_subcommand(
      "optimize", "search the checkpoint interval (GEMINI: and replica count) that minimises wasted GPU-hours");
  optimize_cmd->add_option("scenario", optimize.scenario_path, "scenario YAML")->required()->check(CLI::ExistingFile);
  optimize_cmd->add_option("--strategy", optimize.strategy, "only this strategy (by name)");
  optimize_cmd->add_option("--points", optimize.points, "grid points for interval searches")->check(CLI::Range(3, 200));
  optimize_cmd->add_option("--trials", optimize.trials, "trials per candidate")->check(CLI::PositiveNumber);
  optimize_cmd->add_option("--jobs,-j", optimize.jobs, "worker processes")->check(CLI::PositiveNumber);
  optimize_cmd->add_option("--json", optimize.json_path, "write the curves as JSON");

  gemini::SweepOptions sweep;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "run a study: a base scenario over axes of values, every strategy at each point (docs/SWEEPS.md)");
  sweep_cmd->add_option("sweep", sweep.sweep_path, "sweep YAML")->required()->check(CLI::ExistingFile);
  sweep_cmd->add_option("--jobs,-j", sweep.jobs, "worker processes (default: all cores)")->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--shard", sweep.shard, "i/n: run only the points with index % n == i");
  sweep_cmd->add_option("--out,-o", sweep.out_dir, "output folder (default: results/sweeps/<name>)");
  sweep_cmd->add_option("--trials", sweep.trials, "trials per point (default: the sweep file's)")
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--seed", sweep.seed, "seed of every point (default: the sweep file's)")
      ->each([&sweep](const std::string&) { sweep.seed_given = true; });
  sweep_cmd->add_flag("--list", sweep.list, "print the points (and which are done) and exit");
  sweep_cmd->add_flag("--quiet,-q", sweep.quiet, "no progress on stderr");

  gemini::MergeOptions merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "join the output folders of sweep shards into one CSV (and JSON)");
  merge_cmd->add_option("dirs", merge.dirs, "sweep output folders")->required()->check(CLI::ExistingDirectory);
  merge_cmd->add_option("--out,-o", merge.csv_path, "the joined CSV")->required();
  merge_cmd->add_option("--json", merge.json_path, "also the joined JSON");
  merge_cmd->add_flag("--allow-missing", merge.allow_missing, "write what is there even if points are missing");

  gemini::CompareOptions compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare", "measured gemini-launch runs vs the calibrated model and the engine, per phase (docs/VALIDATION.md)");
  compare_cmd->add_option("runs", compare.runs, "run JSONs written by gemini-launch --out")->required();
  compare_cmd->add_option("--profile", compare.profile_path, "hardware profile YAML written by gemini-calibrate")
      ->required();
  compare_cmd->add_option("--json", compare.json_path, "write the comparison as JSON");
  compare_cmd->add_option("--medians", compare.medians_path,
                          "gemini-calibrate --out-json of the profile's calibration: predict from its medians at each "
                          "run's size instead of the fitted lines");
  std::string disk_overlap = gemini::disk_overlap_name(compare.disk_overlap);
  std::vector<std::string> overlap_names;
  std::string overlap_help = "ranks of a disk save that the run lists starting apart:";
  for (gemini::DiskOverlap o : gemini::kDiskOverlaps) {
    overlap_names.push_back(gemini::disk_overlap_name(o));
    overlap_help += std::string(overlap_names.size() > 1 ? "; " : " ") + overlap_names.back() + " (" +
                    gemini::disk_overlap_description(o) + (o == compare.disk_overlap ? ", the default)" : ")");
  }
  compare_cmd->add_option("--disk-overlap", disk_overlap, overlap_help)->check(CLI::IsMember(overlap_names));
  compare_cmd->add_option("--tolerance", compare.tolerance, "relative error allowed on checked phases (0.15 = 15%)")
      ->check(CLI::PositiveNumber);
  compare_cmd->add_option("--min-phase", compare.min_phase_s, "check only phases whose measured median exceeds this (s)")
      ->check(CLI::NonNegativeNumber);
  compare_cmd->add_flag("--no-engine", compare.no_engine, "closed-form predictions only (no SimGrid run)");
  compare_cmd->add_flag("--charge-layouts", compare.charge_layouts,
                        "own-memory recoveries at the profile's pinned figure for the CPU layout their ranks began in "
                        "(memory-retrieval-busiest; docs/VALIDATION.md \"Own-memory retrievals by layout\")");
  compare_cmd->add_option("--jobs,-j", compare.jobs, "engine processes (default: all cores)")->check(CLI::PositiveNumber);

  try {
    app.parse(argc, argv);
    compare.disk_overlap = *gemini::parse_disk_overlap(disk_overlap);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? gemini::kExitOk : gemini::kExitBadInput;
  }
  if (*sweep_cmd) return gemini::sweep_command(sweep);
  if (*merge_cmd) return gemini::merge_command(merge);
  if (*placement_cmd) return gemini::placement_command(placement);
  if (*optimize_cmd) return gemini::optimize_command(optimize);
  if (*compare_cmd) return gemini::compare_command(compare);
  if (run.scenario_path.empty()) {
    std::cerr << "error: a scenario file is required (see --help)\n";
    return gemini::kExitBadInput;
  }
  return gemini::run_command(run);
}
