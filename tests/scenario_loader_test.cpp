// Tests of the scenario loader (scenario.hpp): every shipped scenario loads, and every bad input
// fails with its exact "file:line:" and a helpful message.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>

#include <yaml-cpp/yaml.h>

#include "cli_support.hpp"
#include "gemini/scenario.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = GEMINI_SOURCE_DIR;

Scenario load_shipped(const std::string& name) {
  return load_scenario(kSourceDir + "/scenarios/" + name + ".yaml");
}

// Writes `text` to a scratch scenario file and loads it.
Scenario load_text(const std::string& text) {
  const fs::path path =
      fs::temp_directory_path() / ("gemini_scenario_test_" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << text;
  Scenario scenario = load_scenario(path.string());
  fs::remove(path);
  return scenario;
}

const char* kMinimal = R"(name: minimal
cluster: {machines: 4, hardware: p4d.24xlarge}
model: gpt2-xl
horizon: 1d
storage: {bandwidth: 20Gbps}
)";

TEST(ScenarioLoaderTest, EveryShippedScenarioLoads) {
  int loaded = 0;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const Scenario s = load_scenario(entry.path().string());
    EXPECT_EQ(s.name, entry.path().stem().string());
    EXPECT_FALSE(s.strategies.empty());
    EXPECT_GT(s.horizon_s, 0);
    ++loaded;
  }
  EXPECT_GE(loaded, 4);
}

TEST(ScenarioLoaderTest, GeminiP4dMatchesThePaper) {
  const Scenario s = load_shipped("gemini-p4d-gpt2-100b");
  EXPECT_EQ(s.machines, 16);
  EXPECT_EQ(s.total_gpus(), 128);
  EXPECT_EQ(s.hardware.name, "p4d.24xlarge");
  EXPECT_EQ(s.model.name, "gpt2-100b");
  EXPECT_DOUBLE_EQ(s.iteration_time_s, 62);
  EXPECT_DOUBLE_EQ(s.horizon_s, 7 * 86400);
  EXPECT_DOUBLE_EQ(s.storage.bandwidth_bytes_per_s, 2.5e9);
  EXPECT_DOUBLE_EQ(s.failures.rate_per_machine_per_s, 0.015 / 86400);
  EXPECT_DOUBLE_EQ(s.failures.hardware_fraction, 0.78);
  EXPECT_DOUBLE_EQ(s.recovery.replacement_min_s, 240);
  EXPECT_DOUBLE_EQ(s.recovery.replacement_max_s, 420);
  EXPECT_DOUBLE_EQ(s.recovery.warmup_s, 253);
  ASSERT_EQ(s.strategies.size(), 3u);
  EXPECT_EQ(s.strategies[0].kind, StrategyKind::strawman);
  EXPECT_EQ(s.strategies[1].kind, StrategyKind::highfreq);
  EXPECT_EQ(s.strategies[1].interval_iterations, 0);
  const StrategySpec& gemini = s.strategies[2];
  EXPECT_EQ(gemini.kind, StrategyKind::gemini);
  EXPECT_EQ(gemini.replicas, 2);
  EXPECT_EQ(gemini.placement, Placement::group);
  EXPECT_TRUE(gemini.interleaved);
  EXPECT_DOUBLE_EQ(gemini.buffer_bytes, 128e6);
  EXPECT_EQ(s.trials, 20);
}

TEST(ScenarioLoaderTest, LlamaRateGivesAbout419Failures) {
  const Scenario s = load_shipped("llama3-16k-h100");
  const double expected = s.failures.rate_per_machine_per_s * s.machines * s.horizon_s;
  EXPECT_NEAR(expected, 419, 0.01 * 419);
  EXPECT_EQ(s.total_gpus(), 16384);
}

TEST(ScenarioLoaderTest, SeedScenarioHasItsExplicitFailure) {
  const Scenario s = load_shipped("seed-4xa100");
  ASSERT_EQ(s.failures.events.size(), 1u);
  EXPECT_DOUBLE_EQ(s.failures.events[0].at_s, 6 * 3600);
  EXPECT_EQ(s.failures.events[0].kind, FailureKind::software);
  EXPECT_EQ(s.strategies[0].kind, StrategyKind::seed_disk);
  EXPECT_EQ(s.strategies[0].interval_iterations, 25);
  EXPECT_EQ(s.strategies[1].replicas, 1);
  EXPECT_DOUBLE_EQ(s.training.weight_bytes_per_param, 4);
}

TEST(ScenarioLoaderTest, BareKindNamesTakeTheirDefaults) {
  const Scenario s =
      load_text(std::string(kMinimal) + "strategies: [strawman, highfreq, gemini, seed-disk]\n");
  ASSERT_EQ(s.strategies.size(), 4u);
  EXPECT_EQ(s.strategies[0].name, "strawman");
  EXPECT_DOUBLE_EQ(s.strategies[0].persistent_interval_s, 3 * 3600);
  EXPECT_EQ(s.strategies[1].interval_iterations, 0);
  EXPECT_EQ(s.strategies[2].replicas, 2);
  EXPECT_EQ(s.strategies[3].kind, StrategyKind::seed_disk);
  EXPECT_EQ(s.strategies[3].interval_iterations, 25);
  EXPECT_DOUBLE_EQ(s.strategies[3].serialization_s, -1);  // derived from the hardware
  EXPECT_DOUBLE_EQ(s.iteration_time_s, 0);                // derived by the engine
}

TEST(ScenarioLoaderTest, NamedStrategyAndHardwareOverrides) {
  const Scenario s = load_text(R"(name: overrides
cluster:
  machines: 4
  hardware: p4d.24xlarge
  hardware_overrides: {network_bandwidth: 100Gbps, network_latency: 5us, gpus_per_machine: 4}
model: gpt2-xl
horizon: 1d
storage: {bandwidth: 20Gbps}
recovery: {replacement: 5min}
strategies:
  - {name: gemini-ring, kind: gemini, placement: ring, mode: blocking, buffer: 64MiB,
     sub_buffers: 2, safety_factor: 80%, persistent_interval: 0s}
)");
  EXPECT_DOUBLE_EQ(s.hardware.network.bandwidth_bytes_per_s, 12.5e9);
  EXPECT_DOUBLE_EQ(s.hardware.network.alpha_s, 5e-6);
  EXPECT_DOUBLE_EQ(s.hardware.network_latency_s, 5e-6);
  EXPECT_EQ(s.total_gpus(), 16);
  EXPECT_NE(s.hardware.source.find("overridden"), std::string::npos);
  EXPECT_DOUBLE_EQ(s.recovery.replacement_min_s, 300);
  EXPECT_DOUBLE_EQ(s.recovery.replacement_max_s, 300);
  const StrategySpec& g = s.strategies.at(0);
  EXPECT_EQ(g.name, "gemini-ring");
  EXPECT_EQ(g.placement, Placement::ring);
  EXPECT_FALSE(g.interleaved);
  EXPECT_DOUBLE_EQ(g.buffer_bytes, 64.0 * 1024 * 1024);
  EXPECT_EQ(g.sub_buffers, 2);
  EXPECT_DOUBLE_EQ(g.safety_factor, 0.8);
  EXPECT_DOUBLE_EQ(g.persistent_interval_s, 0);
}

TEST(ScenarioLoaderTest, EnumNames) {
  EXPECT_STREQ(to_string(StrategyKind::seed_disk), "seed-disk");
  EXPECT_STREQ(to_string(FailureKind::hardware), "hardware");
  EXPECT_STREQ(to_string(Placement::ring), "ring");
}

struct BadInput {
  const char* file;     // in tests/data/
  const char* at_file;  // the file the error names, when not `file`
  int line;
  const char* message;  // a substring of the message
};

// Names the case in ctest output instead of dumping its bytes.
void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.file; }

class BadInputTest : public testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, NamesFileLineAndProblem) {
  const BadInput& bad = GetParam();
  const std::string data = kSourceDir + "/tests/data/";
  const std::string path = data + bad.file;
  const std::string at = data + (bad.at_file != nullptr ? bad.at_file : bad.file);
  try {
    load_scenario(path);
    FAIL() << path << " loaded without error";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    const std::string prefix = at + ":" + std::to_string(bad.line) + ": ";
    EXPECT_EQ(what.rfind(prefix, 0), 0u) << what;
    EXPECT_NE(what.find(bad.message), std::string::npos) << what;
    EXPECT_EQ(e.line, bad.line);
    EXPECT_EQ(e.file, at);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadInputTest,
    testing::Values(
        BadInput{"unknown_key.yaml", nullptr, 15,
                 "unknown key 'replica' in strategies[2]; did you mean 'replicas'?"},
        BadInput{"missing_key.yaml", nullptr, 4, "missing required key 'machines' in cluster"},
        BadInput{"wrong_type.yaml", nullptr, 4, "'machines' must be an integer, got 'sixteen'"},
        BadInput{"bad_unit.yaml", nullptr, 7,
                 "'horizon': expected a duration with a unit, e.g. 62s; got '7'"},
        BadInput{"unknown_unit.yaml", nullptr, 7, "unknown bandwidth unit 'GB'"},
        BadInput{"bad_enum.yaml", nullptr, 13,
                 "'placement' must be one of group, ring, got 'star'"},
        BadInput{"replicas_too_many.yaml", nullptr, 12,
                 "'replicas' must be between 1 and the number of machines (4)"},
        BadInput{"event_out_of_range.yaml", nullptr, 12,
                 "machine 4 in failures.events[0] is out of range"},
        BadInput{"event_after_horizon.yaml", nullptr, 12,
                 "'at' must be before the horizon (86400 s)"},
        BadInput{"syntax_error.yaml", nullptr, 10, "YAML syntax error: end of map not found"},
        BadInput{"duplicate_key.yaml", nullptr, 8, "duplicate key 'horizon' at top level"},
        BadInput{"duplicate_strategy.yaml", nullptr, 12, "duplicate strategy name 'gemini'"},
        BadInput{"unknown_hardware.yaml", nullptr, 5, "did you mean 'p4d.24xlarge'?"},
        BadInput{"gemini_option_on_strawman.yaml", nullptr, 12,
                 "'buffer' applies only to kind gemini"},
        BadInput{"persistent_interval_on_highfreq.yaml", nullptr, 12,
                 "'persistent_interval' does not apply to highfreq"},
        BadInput{"bad_model_scenario.yaml", "bad_model.yaml", 4,
                 "unknown key 'hiden' at top level; did you mean 'hidden'?"},
        BadInput{"no_such_file.yaml", nullptr, 0, "cannot open file"}),
    [](const testing::TestParamInfo<BadInput>& info) {
      std::string name = fs::path(info.param.file).stem().string();
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace gemini

namespace gemini {
namespace {

// A scenario over the built-in h100-node that layers `profile` on it (`cluster_extra`: more
// lines of its cluster block, indented).
std::string scenario_over_profile(const std::string& profile, const std::string& cluster_extra = "") {
  return "name: c\ncluster:\n  machines: 4\n  hardware: h100-node\n  hardware_profile: " + profile + "\n" +
         cluster_extra + "model: gpt2-xl\nhorizon: 1d\nstorage: {bandwidth: 20Gbps}\nstrategies: [gemini]\n";
}

TEST(CalibratedProfile, MeasuredFiguresReplaceDatasheetOnesAndOverridesWin) {
  const gemini::test::Scratch scratch("gemini-profile-test-");
  const fs::path& dir = scratch.dir;
  const std::string profile = kSourceDir + "/calibrate/profiles/h100-sxm-80gb.yaml";
  const fs::path path = dir / "calibrated.yaml";
  std::ofstream(path) << scenario_over_profile(profile, "  hardware_overrides: {disk_write_bandwidth: 2GB/s}\n");
  const Scenario s = load_scenario(path.string());
  // The profile measured one GPU's pinned device-to-host copy (~55 GB/s); a node has 8. The
  // figures are read from the file, which a recalibration rewrites.
  const YAML::Node measured = YAML::LoadFile(profile)["hardware"];
  const double d2h = measured["gpu_to_cpu"]["bandwidth_bytes_per_s"].as<double>();
  EXPECT_GT(d2h, 1e10);
  EXPECT_NEAR(s.hardware.gpu_to_cpu.bandwidth_bytes_per_s, 8 * d2h, 1e3);
  EXPECT_NEAR(s.hardware.local_disk_read.bandwidth_bytes_per_s,
              measured["local_disk_read"]["bandwidth_bytes_per_s"].as<double>(), 1e3);
  EXPECT_EQ(s.hardware.local_disk_write.bandwidth_bytes_per_s, 2e9);  // the override wins
  EXPECT_EQ(s.hardware.network.bandwidth_bytes_per_s, find_builtin_hardware("h100-node")->network.bandwidth_bytes_per_s);
  EXPECT_NE(s.hardware.source.find("measured"), std::string::npos);

  std::ofstream(dir / "bad-profile.yaml") << "profile_format: 7\nsource: x\nhardware: {}\n";
  std::ofstream(dir / "uses-bad.yaml") << scenario_over_profile("bad-profile.yaml");
  try {
    load_scenario((dir / "uses-bad.yaml").string());
    FAIL() << "a bad profile loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file, (dir / "bad-profile.yaml").string());
    EXPECT_EQ(e.line, 1);
  }
}

// Every committed profile (CPU VMs, H100, H200) loads over a built-in machine, and its measured
// figures are the ones the scenario gets: a recalibration that writes a key the loader does not
// know, or a figure it misreads, fails here rather than in a user's scenario.
TEST(CalibratedProfile, EveryCommittedProfileLoads) {
  const gemini::test::Scratch scratch("gemini-profiles-test-");
  int profiles = 0;
  for (const auto& entry : fs::directory_iterator(kSourceDir + "/calibrate/profiles")) {
    if (entry.path().extension() != ".yaml") continue;
    ++profiles;
    SCOPED_TRACE(entry.path().string());
    const fs::path path = scratch.dir / "uses-profile.yaml";
    std::ofstream(path) << scenario_over_profile(entry.path().string());
    const Scenario s = load_scenario(path.string());
    const YAML::Node measured = YAML::LoadFile(entry.path().string())["hardware"];
    ASSERT_TRUE(measured["local_disk_write"]) << "no disk write figure";
    EXPECT_NEAR(s.hardware.local_disk_write.bandwidth_bytes_per_s,
                measured["local_disk_write"]["bandwidth_bytes_per_s"].as<double>(), 1e3);
    EXPECT_NE(s.hardware.source.find("measured"), std::string::npos);
  }
  EXPECT_GE(profiles, 4);
}

}  // namespace
}  // namespace gemini
