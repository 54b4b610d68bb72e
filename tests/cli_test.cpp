// Tests of the gemini-sim command (sim/src/main.cpp), run as a subprocess: the JSON has every
// documented key (docs/OUTPUT.md), and bad input exits with code 2 and a file:line message
// without writing any output file. (That results do not depend on --jobs: determinism_test.)
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace gemini {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = GEMINI_SOURCE_DIR;
const std::string kSim = GEMINI_SIM_BIN;

using test::CommandResult;
using test::slurp;

CommandResult run(const std::string& args) { return test::run_command(kSim, args); }

struct Scratch : test::Scratch {
  Scratch() : test::Scratch("gemini_cli_test_") {}
};

const std::string kP4d = kSourceDir + "/scenarios/gemini-p4d-gpt2-100b.yaml";

TEST(CliTest, JsonHasEveryDocumentedKey) {
  Scratch scratch;
  const fs::path out = scratch.dir / "out.json", csv = scratch.dir / "out.csv";
  const CommandResult r =
      run("'" + kP4d + "' --trials 3 --jobs 2 --quiet --json '" + out.string() + "' --csv '" + csv.string() + "'");
  ASSERT_EQ(r.code, 0) << r.output;
  // CSV: a header and one row per strategy.
  const std::string text = slurp(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4) << text;
  EXPECT_EQ(text.rfind("strategy,trials,ettr_mean,", 0), 0u) << text;
  const nlohmann::json j = nlohmann::json::parse(slurp(out));
  for (const char* key : {"scenario", "machines", "gpus", "hardware", "hardware_source", "model", "horizon_s", "seed"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["machines"], 16);
  EXPECT_EQ(j["gpus"], 128);
  ASSERT_TRUE(j["strategies"].is_array());
  ASSERT_EQ(j["strategies"].size(), 3u);
  const char* names[] = {"strawman", "highfreq", "gemini"};
  for (size_t i = 0; i < 3; ++i) {
    const nlohmann::json& s = j["strategies"][i];
    SCOPED_TRACE(names[i]);
    EXPECT_EQ(s.at("name"), names[i]);
    EXPECT_EQ(s.at("trials"), 3);
    for (const char* est : {"ettr", "wasted_gpu_hours", "failures"}) {
      ASSERT_TRUE(s.at(est).at("mean").is_number()) << est;
      const nlohmann::json& ci = s.at(est).at("ci95");
      ASSERT_TRUE(ci.is_array()) << est;
      ASSERT_EQ(ci.size(), 2u) << est;
      EXPECT_TRUE(ci[0].is_number() && ci[1].is_number()) << est;
      EXPECT_LE(ci[0].get<double>(), s[est]["mean"].get<double>()) << est;
      EXPECT_GE(ci[1].get<double>(), s[est]["mean"].get<double>()) << est;
    }
    double by_cause = 0;
    for (const char* cause : {"checkpoint_stall", "lost_progress", "detection", "replacement", "retrieval", "warmup"}) {
      EXPECT_TRUE(s.at("wasted_gpu_hours_by_cause").at(cause).is_number()) << cause;
      by_cause += s["wasted_gpu_hours_by_cause"].value(cause, 0.0);
    }
    // The causes sum to the mean waste (docs/OUTPUT.md).
    EXPECT_NEAR(by_cause, s["wasted_gpu_hours"]["mean"].get<double>(), 1e-6 * s["total_gpu_hours"].get<double>());
    for (const char* src : {"local_cpu", "peer_cpu", "local_disk", "persistent", "scratch"}) {
      EXPECT_TRUE(s.at("recoveries_by_source").at(src).is_number()) << src;
    }
    EXPECT_GT(s.at("iteration_time_s").get<double>(), 0);
    EXPECT_GT(s.at("compute_iteration_time_s").get<double>(), 0);
    EXPECT_GT(s.at("checkpoint_time_s").get<double>(), 0);
    EXPECT_GE(s.at("checkpoint_interval_iterations").get<int64_t>(), 1);
    EXPECT_TRUE(s.at("wasted_s_per_failure").at("mean").is_number());
    EXPECT_GT(s.at("total_gpu_hours").get<double>(), 0);
    const double ettr = s["ettr"]["mean"].get<double>();
    EXPECT_GT(ettr, 0);
    EXPECT_LE(ettr, 1);
  }
  // GEMINI checkpoints every iteration in CPU memory; Strawman every 3 h.
  EXPECT_EQ(j["strategies"][2]["checkpoint_interval_iterations"], 1);
  EXPECT_EQ(j["strategies"][0]["checkpoint_interval_iterations"], 174);  // 3 h / ~62.06 s
}

TEST(CliTest, BadScenarioExitsTwoWithFileAndLine) {
  Scratch scratch;
  const fs::path out = scratch.dir / "never.json", csv = scratch.dir / "never.csv";
  const std::string bad = kSourceDir + "/tests/data/unknown_key.yaml";
  const CommandResult r = run("'" + bad + "' --json '" + out.string() + "' --csv '" + csv.string() + "'");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown_key.yaml:15:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("replicas"), std::string::npos) << r.output;  // the suggestion
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  EXPECT_FALSE(fs::exists(csv));
  EXPECT_TRUE(fs::is_empty(scratch.dir));
}

TEST(CliTest, MissingScenarioExitsTwo) {
  Scratch scratch;
  const fs::path out = scratch.dir / "never.json";
  const CommandResult r = run("'" + (scratch.dir / "no-such-scenario.yaml").string() + "' --json '" + out.string() + "'");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("no-such-scenario.yaml"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST(CliTest, BadOptionExitsTwo) {
  const CommandResult r = run("'" + kP4d + "' --trials 0");
  EXPECT_EQ(r.code, 2) << r.output;
}

TEST(CliTest, HelpExitsZero) {
  const CommandResult r = run("--help");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("--trials"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--json"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace gemini
