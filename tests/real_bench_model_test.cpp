// gemini-bench-model end to end with --quick (tiny and 2x128), and its exit code for bad input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "model_flops.hpp"
#include "presets.hpp"

namespace fs = std::filesystem;
namespace gr = gemini::real;

namespace {
int run(const std::string& args) {
  const int status = std::system((std::string(GEMINI_BENCH_MODEL) + " " + args).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs with stderr captured (stdout dropped); returns the exit code.
int run_capturing_stderr(const std::string& args, std::string& err) {
  FILE* p = ::popen((std::string(GEMINI_BENCH_MODEL) + " " + args + " 2>&1 >/dev/null").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) err.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST(BenchModel, QuickWritesValidJson) {
  const fs::path out =
      fs::temp_directory_path() / ("gemini-bench-model-" + std::to_string(::getpid()) + ".json");
  ASSERT_EQ(run("--quick --threads 1 --out " + out.string() + " 2>/dev/null"), 0);
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  fs::remove(out);
  EXPECT_EQ(j["schema"], "gemini-bench-model/1");
  for (const char* key : {"host", "cpu_model", "cpu_count", "libtorch_version", "device", "threads"}) {
    EXPECT_TRUE(j["environment"].contains(key)) << key;
  }
  EXPECT_EQ(j["environment"]["threads"], 1);
  ASSERT_EQ(j["points"].size(), 2u);
  EXPECT_EQ(j["points"][0]["name"], "tiny");
  EXPECT_EQ(j["points"][1]["name"], "2x128");
  EXPECT_LT(j["points"][0]["parameters"].get<int64_t>(), j["points"][1]["parameters"].get<int64_t>());
  for (const auto& p : j["points"]) {
    const std::string name = p["name"];
    gr::GptConfig m;
    m.layers = p["layers"], m.hidden = p["hidden"], m.heads = p["heads"], m.ffn_hidden = p["ffn_hidden"];
    m.vocab = p["vocab"], m.seq_len = p["seq_len"], m.micro_batch = p["micro_batch"];
    EXPECT_EQ(p["parameters"].get<int64_t>(), m.expected_parameters()) << name;
    EXPECT_DOUBLE_EQ(p["flops_per_iteration"].get<double>(), gr::training_flops(m).total()) << name;
    // Weights and both AdamW moments, 4 bytes each, plus the header and the rest.
    EXPECT_GT(p["image_bytes"].get<int64_t>(), 4 * p["parameters"].get<int64_t>() * 3) << name;
    for (const char* phase : {"iteration", "capture", "restore"}) {
      const auto& s = p[phase];
      EXPECT_EQ(s["count"], 3) << name << " " << phase;
      EXPECT_GT(s["median_s"].get<double>(), 0) << name << " " << phase;
      EXPECT_LE(s["p10_s"].get<double>(), s["median_s"].get<double>()) << name << " " << phase;
      EXPECT_LE(s["median_s"].get<double>(), s["p90_s"].get<double>()) << name << " " << phase;
    }
    const double rate = p["effective_flops_per_s"];
    EXPECT_TRUE(std::isfinite(rate) && rate > 0) << name;
    EXPECT_DOUBLE_EQ(rate, p["flops_per_iteration"].get<double>() / p["iteration"]["median_s"].get<double>());
  }
}

TEST(BenchModel, BadSizeExitsTwoWithOneLine) {
  std::string err;
  EXPECT_EQ(run_capturing_stderr("--sizes tiny,3xfoo --threads 1", err), 2);
  ASSERT_FALSE(err.empty());
  EXPECT_EQ(err.find('\n'), err.size() - 1) << err;  // exactly one line
  EXPECT_NE(err.find("3xfoo"), std::string::npos) << err;
}

TEST(BenchModel, BadFlagsExitTwo) {
  EXPECT_EQ(run("--reps 0 2>/dev/null"), 2);
  EXPECT_EQ(run("--device tpu 2>/dev/null"), 2);
  EXPECT_EQ(run("--preset tiny 2>/dev/null"), 2);  // sizes come from --sizes only
  EXPECT_EQ(run("--help >/dev/null"), 0);
}
