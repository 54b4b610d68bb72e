// Replays the inputs fuzzing found interesting (tests/fuzz/corpus/<target>/, see scripts/fuzz.sh)
// through the parsers: each must load or be rejected with a ConfigError, nothing else, and a
// rejection must be one line "FILE:LINE: message" with LINE >= 1. The rejected ones then go
// through the gemini-sim command, which must print exactly that line (after "error: ") and exit 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "fuzz/source_tree_links.hpp"
#include "gemini/failure_log.hpp"
#include "gemini/scenario.hpp"
#include "gemini/sweep.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;

struct Rejected {
  std::string path;
  std::string message;
};

// As in the fuzz targets (tests/fuzz/fuzz_inputs.cpp), each input is parsed from the scratch
// tree of tests/fuzz/source_tree_links.hpp, so that "../scenarios/x.yaml" resolves.
struct Tree {
  Tree() { gemini::test::link_source_tree(scratch.dir, GEMINI_SOURCE_DIR); }
  std::string place(const std::string& input) const {
    const fs::path to = scratch.dir / "in" / fs::path(input).filename();
    fs::copy_file(input, to, fs::copy_options::overwrite_existing);
    return to.string();
  }
  test::Scratch scratch{"gemini-fuzz-corpus-"};
};

// Checks every input of tests/fuzz/corpus/<target>/; returns the rejected ones.
template <typename Parse>
std::vector<Rejected> replay(const Tree& tree, const std::string& target, Parse parse) {
  const fs::path dir = fs::path(GEMINI_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  std::vector<Rejected> rejected;
  if (!fs::exists(dir)) {
    ADD_FAILURE() << "no corpus for " << target;
    return rejected;
  }
  std::vector<std::string> inputs;
  for (const auto& entry : fs::directory_iterator(dir)) inputs.push_back(entry.path().string());
  std::sort(inputs.begin(), inputs.end());
  EXPECT_GT(inputs.size(), 0u);
  for (const std::string& input : inputs) {
    const std::string path = tree.place(input);
    try {
      parse(path);
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << path << ": more than one line: " << what;
      EXPECT_GE(e.line, 1) << what;
      EXPECT_EQ(what.rfind(e.file + ":" + std::to_string(e.line) + ": ", 0), 0u) << what;
      rejected.push_back({path, what});
    } catch (const std::exception& e) {
      ADD_FAILURE() << path << ": not a ConfigError: " << e.what();
    }
  }
  return rejected;
}

// `gemini-sim ARGS` on a rejected input: exit code 2 and the one error line, nothing else.
void expect_cli_rejects(const std::string& args, const Rejected& r) {
  const test::CommandResult result = test::run_command(GEMINI_SIM_BIN, args);
  EXPECT_EQ(result.code, 2) << r.path << "\n" << result.output;
  EXPECT_EQ(result.output, "error: " + r.message + "\n") << r.path;
}

std::string quoted(const std::string& path) { return "'" + path + "'"; }

TEST(FuzzCorpus, ScenarioInputs) {
  const Tree tree;
  const auto rejected = replay(tree, "scenario", [](const std::string& p) { load_scenario(p); });
  for (const Rejected& r : rejected) expect_cli_rejects(quoted(r.path) + " --trials 1 --jobs 1 -q", r);
}

TEST(FuzzCorpus, SweepInputs) {
  const Tree tree;
  const auto rejected = replay(tree, "sweep", [](const std::string& p) { load_sweep(p); });
  for (const Rejected& r : rejected) expect_cli_rejects("sweep " + quoted(r.path) + " --list", r);
}

TEST(FuzzCorpus, FailureLogInputs) {
  // The fuzz target reads logs for 16 machines over 30 days; so does the wrapping scenario.
  const Tree tree;
  const auto rejected = replay(tree, "failure_log", [](const std::string& p) { read_failure_log(p, 16, 30 * 86400.0); });
  for (const Rejected& r : rejected) {
    const std::string scenario = tree.scratch.write("trace.yaml",
                                               "name: fuzz-trace\n"
                                               "cluster: {machines: 16, hardware: p4d.24xlarge}\n"
                                               "model: gpt2-100b\n"
                                               "horizon: 30d\n"
                                               "storage: {bandwidth: 20Gbps}\n"
                                               "failures: {trace: " + quoted(r.path) + "}\n"
                                               "strategies: [gemini]\n");
    expect_cli_rejects(quoted(scenario) + " --trials 1 --jobs 1 -q", r);
  }
}

}  // namespace
}  // namespace gemini
