// gemini-bench-ckpt end to end on the tiny preset, and its exit code for bad flags.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {
int run(const std::string& args) {
  const int status = std::system((std::string(GEMINI_BENCH_CKPT) + " " + args).c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST(BenchCkpt, TinyWritesValidJson) {
  const fs::path dir = fs::temp_directory_path() / ("gemini-bench-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path out = dir / "tiny.json";
  ASSERT_EQ(run("--preset tiny --device cpu --reps 2 --warmup 1 --threads 1 --dir " + (dir / "ckpt").string() +
                " --out " + out.string() + " 2>/dev/null"),
            0);
  std::ifstream in(out);
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["schema"], "gemini-bench-ckpt/1");
  EXPECT_EQ(j["config"]["preset"], "tiny");
  EXPECT_EQ(j["model"]["parameters"], j["model"]["parameters_expected"]);
  const uint64_t bytes = j["model"]["checkpoint_bytes"];
  EXPECT_GT(bytes, static_cast<uint64_t>(j["model"]["parameters"]) * 12);
  for (const char* phase : {"iteration_s", "snapshot_s", "save_memory_s", "save_disk_s",
                            "load_memory_s", "load_disk_s", "restore_s"}) {
    ASSERT_TRUE(j["phases"].contains(phase)) << phase;
    const auto& p = j["phases"][phase];
    EXPECT_GT(p["median_s"].get<double>(), 0) << phase;
    EXPECT_LE(p["p10_s"].get<double>(), p["median_s"].get<double>()) << phase;
    EXPECT_LE(p["median_s"].get<double>(), p["p90_s"].get<double>()) << phase;
  }
  EXPECT_EQ(j["phases"]["save_disk_s"]["count"], 2);
  for (const auto& b : j["bytes"]["save_disk_bytes"]) EXPECT_EQ(b.get<uint64_t>(), bytes);
  for (const auto& b : j["bytes"]["save_memory_bytes"]) EXPECT_EQ(b.get<uint64_t>(), bytes);
  EXPECT_GT(j["ratios"]["save_disk_over_memory"].get<double>(), 0);
  EXPECT_EQ(j["environment"]["libtorch_version"].get<std::string>().empty(), false);
  // Checkpoint file and segment are cleaned up without --keep.
  EXPECT_TRUE(fs::is_empty(dir / "ckpt"));
  fs::remove_all(dir);
}

TEST(BenchCkpt, BadFlagsExitTwo) {
  EXPECT_EQ(run("--preset nope 2>/dev/null"), 2);
  EXPECT_EQ(run("--reps 0 2>/dev/null"), 2);
  EXPECT_EQ(run("--device tpu 2>/dev/null"), 2);
  EXPECT_EQ(run("--no-such-flag 2>/dev/null"), 2);
  EXPECT_EQ(run("--help >/dev/null"), 0);
}
