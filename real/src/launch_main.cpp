// gemini-launch's command line: options, the failure schedule, then the supervisor
// (launcher.hpp). Exit codes: 0 the job completed, 1 it did not, 2 bad input.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "failure_schedule.hpp"
#include "launcher.hpp"
#include "rank_options.hpp"

namespace gr = gemini::real;
using namespace gemini::real::launch;

int main(int argc, char** argv) {
  CLI::App app{"Start, supervise, fail and restart a data-parallel gemini-train job on this host"};
  gr::RankOptions o;
  LaunchOptions l;
  o.run_dir = "";
  o.add_flags(app, true);
  app.add_option("--ranks", l.ranks, "Ranks (WORLD_SIZE)")->check(CLI::Range(1, 4096));
  app.add_option("--fail", l.fail, "Failure ITERATION:process|machine:TARGET[:save|:replicate|:recover] (repeatable)");
  app.add_option("--fail-random", l.fail_random, "Draw this many failures at random")->check(CLI::Range(0, 1000));
  app.add_option("--fail-seed", l.fail_seed, "Seed of the random failures");
  app.add_option("--fail-machine-fraction", l.fail_machine_fraction, "Share of random failures that lose a machine")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-restarts", l.max_restarts, "Give up after this many restarts")->check(CLI::Range(0, 10000));
  app.add_option("--out", l.out, "Write the run's JSON here (default: stdout)");
  app.add_option("--master-port", l.master_port, "Rendezvous store port (0: any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--train-bin", l.train_bin, "gemini-train executable (default: next to gemini-launch)");
  app.add_flag("--keep-memory", l.keep_memory, "Keep the memory store segments after a clean end");
  app.add_flag("--resume", l.resume, "Keep existing checkpoints of this job at start (default: wipe them)");
  app.add_flag("--clean-disk", l.clean_disk, "Delete this job's disk checkpoints after a clean end");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (const std::string problem = o.check(l.ranks); !problem.empty()) usage_error(problem);
  if (o.run_dir.empty()) o.run_dir = "/tmp/gemini-run-" + o.job;
  if (l.train_bin.empty()) l.train_bin = self_dir() + "/gemini-train";
  if (::access(l.train_bin.c_str(), X_OK) != 0) usage_error("cannot execute " + l.train_bin + " (see --train-bin)");
  gr::ScheduleLimits limits;
  limits.ranks = l.ranks;
  limits.machines = o.machines;
  limits.iterations = o.iterations;
  limits.interval = o.interval;
  limits.debug_pauses = o.debug_save_pause_ms > 0;
  limits.replication = o.strategy == "gemini";
  std::vector<gr::PlannedFailure> schedule;
  try {
    for (const auto& spec : l.fail) schedule.push_back(gr::parse_failure(spec, limits));
    for (const auto& f : gr::draw_failures(l.fail_random, l.fail_seed, l.fail_machine_fraction, limits)) {
      schedule.push_back(f);
      l.fail.push_back(f.spec());
    }
  } catch (const std::invalid_argument& e) {
    usage_error(e.what());
  }
  std::stable_sort(schedule.begin(), schedule.end(),
                   [](const gr::PlannedFailure& a, const gr::PlannedFailure& b) { return a.iteration < b.iteration; });
  if (static_cast<int>(schedule.size()) > l.max_restarts) {
    usage_error(std::to_string(schedule.size()) + " failures need --max-restarts >= " + std::to_string(schedule.size()));
  }
  install_stop_handlers();
  try {
    Launcher launcher(o, l, schedule);
    return launcher.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemini-launch: error: %s\n", e.what());
    return 1;
  }
}
