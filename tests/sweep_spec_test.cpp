// Tests of sweep files (sweep.hpp): dotted paths into a scenario, product / zip / range
// expansion, point fingerprints, and file:line errors for bad sweep files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gemini/sweep.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;
const std::string kSourceDir = GEMINI_SOURCE_DIR;
const std::string kBase = kSourceDir + "/scenarios/gemini-p4d-gpt2-100b.yaml";

struct Scratch {
  fs::path dir = fs::temp_directory_path() / ("gemini_sweep_spec_" + std::to_string(::getpid()));
  Scratch() { fs::create_directories(dir); }
  ~Scratch() { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p.string();
  }
};

std::string header() { return "name: t\nscenario: " + kBase + "\n"; }

// The "file:line: message" of the ConfigError that loading `text` throws ("" if none).
std::string error_of(Scratch& s, const std::string& text) {
  const std::string path = s.write("bad.yaml", text);
  try {
    load_sweep(path);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepSpecTest, SetYamlPathEditsNestedKeysAndListItems) {
  YAML::Node doc = YAML::Load("cluster: {machines: 4}\nstrategies: [strawman, {name: gemini, replicas: 2}]\n");
  set_yaml_path(doc, "cluster.machines", YAML::Node("32"));
  set_yaml_path(doc, "cluster.hardware_overrides.network_bandwidth", YAML::Node("100Gbps"));
  set_yaml_path(doc, "strategies[1].replicas", YAML::Node("3"));
  set_yaml_path(doc, "strategies[0].persistent_interval", YAML::Node("1h"));  // bare name -> mapping
  EXPECT_EQ(doc["cluster"]["machines"].as<int>(), 32);
  EXPECT_EQ(doc["cluster"]["hardware_overrides"]["network_bandwidth"].as<std::string>(), "100Gbps");
  EXPECT_EQ(doc["strategies"][1]["replicas"].as<int>(), 3);
  EXPECT_EQ(doc["strategies"][0]["name"].as<std::string>(), "strawman");
  EXPECT_EQ(doc["strategies"][0]["persistent_interval"].as<std::string>(), "1h");
  EXPECT_THROW(set_yaml_path(doc, "strategies[5].replicas", YAML::Node("2")), std::invalid_argument);
  EXPECT_THROW(set_yaml_path(doc, "cluster.machines.x", YAML::Node("2")), std::invalid_argument);
  EXPECT_THROW(set_yaml_path(doc, "cluster.[1]", YAML::Node("2")), std::invalid_argument);
}

TEST(SweepSpecTest, ProductRunsLastAxisFastest) {
  Scratch s;
  const SweepSpec spec = load_sweep(s.write("p.yaml", header() +
                                                          "axes:\n"
                                                          "  - {key: failures.rate, values: [1/day, 2/day]}\n"
                                                          "  - {key: cluster.machines, values: [8, 16, 32]}\n"
                                                          "trials: 3\nseed: 7\n"));
  ASSERT_EQ(spec.points.size(), 6u);
  EXPECT_EQ(spec.points[1].labels, (std::vector<std::string>{"1/day", "16"}));
  EXPECT_EQ(spec.points[3].labels, (std::vector<std::string>{"2/day", "8"}));
  EXPECT_EQ(spec.points[5].scenario.machines, 32);
  EXPECT_NEAR(spec.points[5].scenario.failures.rate_per_machine_per_s * 86400, 2.0, 1e-12);
  EXPECT_EQ(spec.points[0].scenario.trials, 3);
  EXPECT_EQ(spec.points[0].scenario.seed, 7u);
  EXPECT_NE(spec.points[0].key, spec.points[1].key);
  // Same file, same fingerprints; other trials, other point keys.
  EXPECT_EQ(load_sweep(s.dir / "p.yaml").fingerprint, spec.fingerprint);
  SweepOverrides more;
  more.trials = 4;
  const SweepSpec other = load_sweep(s.dir / "p.yaml", more);
  EXPECT_NE(other.points[0].key, spec.points[0].key);
  EXPECT_EQ(other.points[0].scenario.trials, 4);
}

TEST(SweepSpecTest, ZipPairsAxesAndSetAppliesEverywhere) {
  Scratch s;
  const SweepSpec spec = load_sweep(s.write("z.yaml", header() +
                                                          "combine: zip\n"
                                                          "set: {failures.hardware_fraction: 0, \"strategies[2].replicas\": 4}\n"
                                                          "axes:\n"
                                                          "  - {key: cluster.machines, name: n, values: [8, 16]}\n"
                                                          "  - {key: storage.bandwidth, values: [10Gbps, 40Gbps]}\n"));
  ASSERT_EQ(spec.points.size(), 2u);
  EXPECT_EQ(spec.axes[0].column, "n");
  EXPECT_EQ(spec.points[1].scenario.machines, 16);
  EXPECT_DOUBLE_EQ(spec.points[1].scenario.storage.bandwidth_bytes_per_s, 40e9 / 8);
  EXPECT_EQ(spec.points[0].scenario.failures.hardware_fraction, 0);
  EXPECT_EQ(spec.points[0].scenario.strategies[2].replicas, 4);
}

TEST(SweepSpecTest, RangesWithStepCountLogAndUnits) {
  Scratch s;
  const SweepSpec spec = load_sweep(s.write("r.yaml", header() +
                                                          "axes:\n"
                                                          "  - key: storage.bandwidth\n"
                                                          "    range: {start: 100Gbps, stop: 400Gbps, step: 100Gbps}\n"
                                                          "  - key: failures.rate\n"
                                                          "    range: {start: 0.5, stop: 1.5, count: 3, unit: /day}\n"
                                                          "  - key: cluster.machines\n"
                                                          "    range: {start: 16, stop: 1024, count: 4, scale: log}\n"));
  EXPECT_EQ(spec.axes[0].labels, (std::vector<std::string>{"100Gbps", "200Gbps", "300Gbps", "400Gbps"}));
  EXPECT_EQ(spec.axes[1].labels, (std::vector<std::string>{"0.5/day", "1/day", "1.5/day"}));
  EXPECT_EQ(spec.axes[2].labels, (std::vector<std::string>{"16", "64", "256", "1024"}));
  EXPECT_EQ(spec.points.size(), 4u * 3u * 4u);
}

TEST(SweepSpecTest, BadFilesNameTheirLine) {
  Scratch s;
  const std::string bad = (s.dir / "bad.yaml").string();
  // unknown top-level key, with a suggestion
  EXPECT_EQ(error_of(s, header() + "axis:\n  - {key: cluster.machines, values: [8]}\n"),
            bad + ":3: unknown key 'axis' at top level; did you mean 'axes'?");
  // a value the scenario rejects: the line of that value
  EXPECT_EQ(error_of(s, header() + "axes:\n  - key: cluster.machines\n    values:\n      - 8\n      - sixteen\n"),
            bad + ":7: cluster.machines = sixteen: 'machines' must be an integer, got 'sixteen'");
  // a key the scenario does not have
  EXPECT_NE(error_of(s, header() + "axes:\n  - {key: cluster.machine, values: [8]}\n").find(
                bad + ":4: cluster.machine = 8: unknown key 'machine' in cluster; did you mean 'machines'?"),
            std::string::npos);
  // a list index out of range
  EXPECT_NE(error_of(s, header() + "axes:\n  - {key: \"strategies[3].replicas\", values: [2]}\n").find(
                bad + ":4: axis 'strategies[3].replicas': 'strategies' has 3 items"),
            std::string::npos);
  // zip of unequal lengths
  EXPECT_NE(error_of(s, header() + "combine: zip\naxes:\n  - {key: cluster.machines, values: [8, 16]}\n"
                                   "  - {key: failures.rate, values: [1/day]}\n")
                .find(bad + ":6: combine: zip needs axes of equal length"),
            std::string::npos);
  // a range with both step and count / stop below start / mixed units
  EXPECT_NE(error_of(s, header() + "axes:\n  - key: cluster.machines\n    range: {start: 8, stop: 16, step: 2, count: 3}\n")
                .find(bad + ":5: a range needs exactly one of 'step' and 'count'"),
            std::string::npos);
  EXPECT_NE(error_of(s, header() + "axes:\n  - key: cluster.machines\n    range: {start: 8, stop: 4, step: 2}\n")
                .find(bad + ":5: 'stop' must not be below 'start'"),
            std::string::npos);
  EXPECT_NE(error_of(s, header() + "axes:\n  - key: storage.bandwidth\n    range: {start: 1Gbps, stop: 2GB/s, count: 2}\n")
                .find(bad + ":5: 'stop' has unit 'GB/s' but 'start' has 'Gbps'"),
            std::string::npos);
  // a combination that only fails together
  EXPECT_NE(error_of(s, header() + "axes:\n  - {key: cluster.machines, values: [2]}\n"
                                   "  - {key: \"strategies[2].replicas\", values: [2, 3]}\n")
                .find(bad + ":4: point 1 (cluster.machines = 2, strategies[2].replicas = 3): 'replicas' must be between 1"),
            std::string::npos);
  // the base scenario missing; YAML syntax
  EXPECT_EQ(error_of(s, "name: t\nscenario: nowhere.yaml\naxes: []\n"),
            bad + ":2: scenario '" + (s.dir / "nowhere.yaml").string() + "' not found");
  EXPECT_NE(error_of(s, header() + "axes: [\n").find(bad + ":4: YAML syntax error"), std::string::npos);
}

}  // namespace
}  // namespace gemini
