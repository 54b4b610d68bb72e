// Determinism (issue 8): the same scenario and seed give byte-identical outputs across runs and
// across 1 vs 2 worker processes, for `gemini-sim SCENARIO` (JSON and CSV, with the scenario's
// own seed and with a --seed override) and for `gemini-sim sweep` (every file of the output
// folder). Run as subprocesses.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "cli_support.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;
using test::CommandResult;
using test::slurp;

const std::string kSourceDir = GEMINI_SOURCE_DIR;

CommandResult run(const std::string& args) { return test::run_command(GEMINI_SIM_BIN, args); }

// Every regular file under `dir`, by relative path, with its bytes.
std::map<std::string, std::string> files_of(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), dir).string()] = slurp(entry.path());
  }
  return files;
}

TEST(Determinism, RunIsByteIdenticalAcrossRunsAndJobs) {
  const test::Scratch s("gemini_determinism_run_");
  const std::string scenario = "'" + kSourceDir + "/scenarios/gemini-p3dn-gpt2-40b.yaml'";
  // seed < 0: the scenario's own seed (no --seed).
  auto simulate = [&](const std::string& tag, int jobs, int seed) {
    const std::string args = scenario + " --trials 6" + (seed >= 0 ? " --seed " + std::to_string(seed) : "") +
                             " --jobs " + std::to_string(jobs) + " --quiet --json " + s.q(tag + ".json") + " --csv " +
                             s.q(tag + ".csv");
    const CommandResult r = run(args);
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_FALSE(fs::exists(s.dir / (tag + ".json.tmp"))) << "the temporary output file was left";
    return std::make_pair(slurp(s.dir / (tag + ".json")), slurp(s.dir / (tag + ".csv")));
  };
  const auto first = simulate("a", 1, 7);
  ASSERT_FALSE(first.first.empty());
  ASSERT_FALSE(first.second.empty());
  EXPECT_EQ(simulate("b", 1, 7), first) << "two runs with --jobs 1 differ";
  EXPECT_EQ(simulate("c", 2, 7), first) << "--jobs 2 differs from --jobs 1";
  EXPECT_EQ(simulate("d", 2, 7), first) << "two runs with --jobs 2 differ";
  // The seed does reach the simulation: another one gives other results.
  EXPECT_NE(simulate("e", 2, 8).first, first.first);
  const auto own = simulate("f", 1, -1);
  EXPECT_EQ(simulate("g", 2, -1), own) << "the scenario's own seed: --jobs 2 differs from --jobs 1";
}

TEST(Determinism, SweepIsByteIdenticalAcrossRunsAndJobs) {
  const test::Scratch s("gemini_determinism_sweep_");
  s.write("base.yaml", test::small_p4d_scenario(3, 5));
  s.write("sweep.yaml", R"(name: determinism
scenario: base.yaml
axes:
  - {key: failures.rate, values: [5%/day, 20%/day]}
  - {key: cluster.machines, values: [4, 8]}
)");
  auto sweep = [&](const std::string& out, int jobs) {
    const CommandResult r = run("sweep " + s.q("sweep.yaml") + " --out " + s.q(out) + " -q -j " + std::to_string(jobs));
    EXPECT_EQ(r.code, 0) << r.output;
    return files_of(s.dir / out);
  };
  const auto first = sweep("j1a", 1);
  ASSERT_TRUE(first.count("sweep.csv")) << "no sweep.csv";
  ASSERT_TRUE(first.count("sweep.json")) << "no sweep.json";
  EXPECT_EQ(sweep("j1b", 1), first) << "two sweeps with -j 1 differ";
  EXPECT_EQ(sweep("j2a", 2), first) << "-j 2 differs from -j 1";
  EXPECT_EQ(sweep("j2b", 2), first) << "two sweeps with -j 2 differ";
}

}  // namespace
}  // namespace gemini
