// Tests of the YAML profile writer and JSON form (calibrate/include/gemini/calibrate/profile.hpp).
#include <gtest/gtest.h>

#ifdef GEMINI_HAVE_YAML_CPP
#include <yaml-cpp/yaml.h>
#endif

#include "gemini/calibrate/profile.hpp"

using namespace gemini::calibrate;

namespace {
BenchmarkResult synthetic(const std::string& name, double alpha, double beta) {
  BenchmarkResult r;
  r.name = name;
  r.description = "synthetic \"" + name + "\"";
  for (double b : {1e6, 4e6, 16e6}) {
    Stats s;
    s.median_s = s.p10_s = s.p90_s = s.min_s = s.max_s = alpha + b / beta;
    s.count = 3;
    r.points.push_back({b, s, std::nullopt, nlohmann::json::object(), std::nullopt});
  }
  fit_medians(r);
  return r;
}

CalibrationRun make_run() {
  CalibrationRun run;
  run.tool_version = "0.1.0";
  run.date_utc = "2026-11-27T10:00:00Z";
  const char* argv[] = {"gemini-calibrate", "--dir", "/tmp/it's here", "--quick"};
  run.command_line = shell_join(4, argv);
  run.machine = describe_host();
  run.machine.cpu_model = "Test CPU: \"quoted\" \\ back";
  run.benchmarks.push_back(synthetic("disk-write", 2e-3, 1e9));
  auto cold = synthetic("disk-read-cold", 1e-3, 2e9);
  cold.extra["cold_read_assured"] = false;
  cold.notes.push_back("a note: with colon");
  run.benchmarks.push_back(cold);
  run.benchmarks.push_back(BenchmarkResult::skipped("gpu-d2h-pinned", "d2h", "skipped: no GPU"));
  return run;
}
}  // namespace

TEST(calibrate_profile_test, slug_and_quote) {
  EXPECT_EQ(slugify("AMD EPYC 7B13 64-Core Processor"), "amd-epyc-7b13-64-core-processor");
  EXPECT_EQ(slugify("  Intel(R) Xeon(R)  "), "intel-r-xeon-r");
  EXPECT_EQ(slugify("!!"), "unknown");
  EXPECT_EQ(yaml_quote("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  const char* argv[] = {"x", "a b", "it's", "--k=v"};
  EXPECT_EQ(shell_join(4, argv), "x 'a b' 'it'\\''s' --k=v");
}

TEST(calibrate_profile_test, fit_medians_fills_fit_or_error) {
  const auto r = synthetic("x", 1e-3, 1e9);
  ASSERT_TRUE(r.fit.has_value());
  EXPECT_NEAR(r.fit->beta_bytes_per_s, 1e9, 1.0);
  BenchmarkResult one;
  one.points.push_back({1e6, Stats{1, 1, 1, 1, 1, 1}, std::nullopt, nlohmann::json::object(), std::nullopt});
  fit_medians(one);
  EXPECT_FALSE(one.fit.has_value());
  EXPECT_NE(one.fit_error.find("distinct"), std::string::npos);
}

TEST(calibrate_profile_test, json_has_every_size_and_fit) {
  const auto j = to_json(make_run());
  ASSERT_EQ(j["benchmarks"].size(), 3u);
  EXPECT_EQ(j["benchmarks"][0]["name"], "disk-write");
  EXPECT_EQ(j["benchmarks"][0]["points"].size(), 3u);
  EXPECT_EQ(j["benchmarks"][0]["points"][1]["bytes"], 4e6);
  EXPECT_EQ(j["benchmarks"][0]["points"][1]["count"], 3);
  EXPECT_NEAR(j["benchmarks"][0]["fit"]["beta_bytes_per_s"].get<double>(), 1e9, 1.0);
  EXPECT_EQ(j["benchmarks"][2]["status"], "skipped");
  EXPECT_TRUE(j["benchmarks"][2]["fit"].is_null());
  EXPECT_EQ(j["command"], "gemini-calibrate --dir '/tmp/it'\\''s here' --quick");
}

TEST(calibrate_profile_test, yaml_has_expected_keys) {
  const CalibrationRun run = make_run();
  const std::string text = to_profile_yaml(run, "test-profile");
  EXPECT_NE(text.find("local_disk_write:"), std::string::npos);
  EXPECT_NE(text.find("WARNING: cold read not assured"), std::string::npos);
  EXPECT_EQ(text.find("gpu_to_cpu:"), std::string::npos);  // skipped: no fit, no field
#ifdef GEMINI_HAVE_YAML_CPP
  const YAML::Node y = YAML::Load(text);
  EXPECT_EQ(y["profile_format"].as<int>(), 1);
  EXPECT_EQ(y["name"].as<std::string>(), "test-profile");
  EXPECT_EQ(y["tool_version"].as<std::string>(), "0.1.0");
  EXPECT_EQ(y["date_utc"].as<std::string>(), "2026-11-27T10:00:00Z");
  EXPECT_EQ(y["command"].as<std::string>(), run.command_line);
  EXPECT_EQ(y["machine"]["cpu_model"].as<std::string>(), run.machine.cpu_model);
  EXPECT_TRUE(y["machine"]["gpus"].IsSequence());
  EXPECT_NEAR(y["hardware"]["local_disk_write"]["alpha_s"].as<double>(), 2e-3, 1e-9);
  EXPECT_NEAR(y["hardware"]["local_disk_write"]["bandwidth_bytes_per_s"].as<double>(), 1e9, 10.0);
  EXPECT_NEAR(y["hardware"]["local_disk_read"]["bandwidth_bytes_per_s"].as<double>(), 2e9, 20.0);
  const YAML::Node dw = y["benchmarks"]["disk-write"];
  EXPECT_EQ(dw["status"].as<std::string>(), "ok");
  EXPECT_NEAR(dw["fit"]["r_squared"].as<double>(), 1.0, 1e-9);
  ASSERT_EQ(dw["medians"].size(), 3u);
  EXPECT_EQ(dw["medians"][2]["bytes"].as<double>(), 16e6);
  EXPECT_EQ(dw["medians"][2]["count"].as<int>(), 3);
  const YAML::Node cold = y["benchmarks"]["disk-read-cold"];
  EXPECT_FALSE(cold["extra"]["cold_read_assured"].as<bool>());
  EXPECT_EQ(cold["notes"][0].as<std::string>(), "a note: with colon");
  EXPECT_EQ(y["benchmarks"]["gpu-d2h-pinned"]["status"].as<std::string>(), "skipped");
  EXPECT_EQ(y["benchmarks"]["gpu-d2h-pinned"]["message"].as<std::string>(), "skipped: no GPU");
#endif
}
