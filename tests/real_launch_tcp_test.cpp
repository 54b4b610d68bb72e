// gemini-launch with the TCP ring all-reduce (--collective tcp), on CPU with the tiny preset:
// the same run shapes as real/bench/gpu_session2.sh (4 ranks in 2 machines, one process failure
// and one machine failure per strategy), checked like the Gloo runs of real_launch_test: ranks
// identical, every recovery restores every tensor bit for bit, final loss and image identical to
// a failure-free run. Also: close to the Gloo run's losses where Gloo is built, and a SIGTERM
// (what `timeout` sends) still yields a partial run JSON and leaves no rank behind.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "launch_checks.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using json = nlohmann::json;

extern char** environ;

namespace {

using namespace gemini::test;  // launch_checks.hpp

class LaunchTcpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Job names are limited to 64 characters (suffixes included).
    name_ = (std::string("ltt") + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()).substr(0, 40);
    dir_ = fs::temp_directory_path() / name_;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string command(const std::string& args, const std::string& job_suffix, int iterations = 30) const {
    const std::string job = name_ + job_suffix;
    return std::string(GEMINI_LAUNCH) + " --ranks 4 --machines 2 --preset tiny --threads 1" +
           " --iterations " + std::to_string(iterations) + " --interval 5 --job " + job + " --dir " + (dir_ / "disk").string() + " --run-dir " +
           (dir_ / ("run" + job_suffix)).string() + " --out " + (dir_ / (job + ".json")).string() + " " + args;
  }

  json launch(const std::string& args, int* rc, const std::string& job_suffix = "") {
    *rc = run(command(args, job_suffix) + " 2>" + (dir_ / (name_ + job_suffix + ".stderr")).string());
    std::ifstream in(dir_ / (name_ + job_suffix + ".json"));
    if (!in) return json();
    return json::parse(in);
  }

  std::string name_;
  fs::path dir_;
};

}  // namespace

TEST_F(LaunchTcpTest, StrategiesRecoverFromProcessAndMachineFailuresLikeGloo) {
  int rc = 0;
  const json ref = launch("--collective tcp --strategy none", &rc, "-ref");
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(ref["environment"]["backend"], "tcp");
  EXPECT_EQ(ref["config"]["collective"], "tcp");
  const uint64_t checksum = ref["final"][0]["checksum"];
  expect_identical_ranks(ref, checksum);
  EXPECT_LT(final_loss(ref), ref["loss"][0]["loss"].get<double>());

  EXPECT_EQ(ref["model"]["device"], "cpu");
  EXPECT_FALSE(ref["model"]["pinned_host_buffer"].get<bool>());

  // Gloo (where built) sums in another order: the same training to rounding.
  const json gloo = launch("--collective gloo --strategy none", &rc, "-gloo");
  if (rc == 0) {
    EXPECT_EQ(gloo["environment"]["backend"], "gloo");
    ASSERT_EQ(gloo["loss"].size(), ref["loss"].size());
    for (size_t i = 0; i < ref["loss"].size(); ++i) {
      const double a = ref["loss"][i]["loss"], b = gloo["loss"][i]["loss"];
      EXPECT_NEAR(a, b, 1e-4 * std::fabs(b)) << "iteration " << ref["loss"][i]["iteration"];
    }
  } else {
    EXPECT_EQ(rc, 2) << "without Gloo, --collective gloo is a configuration error";
  }

  // The device script's run shape: a process failure, then a machine failure.
  const std::string fails = " --fail 12:process:1 --fail 22:machine:1";
  for (const std::string strategy : {"disk", "memory", "gemini"}) {
    SCOPED_TRACE(strategy);
    const json j = launch("--collective tcp --strategy " + strategy + " --replicas 2" + fails, &rc, "-" + strategy);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(j["timeline"].size(), 2u);
    const json& p = j["timeline"][0];
    const json& m = j["timeline"][1];
    EXPECT_EQ(p["kind"], "process");
    EXPECT_EQ(m["kind"], "machine");
    EXPECT_EQ(p["resumed_iteration"], 10);
    expect_bit_exact_restore(p);
    if (strategy == "memory") {
      // Memory alone: the lost machine's checkpoints are gone, so the job starts over.
      EXPECT_EQ(p["source_tier"], "memory");
      EXPECT_EQ(m["resumed_iteration"], 0);
    } else {
      EXPECT_EQ(m["resumed_iteration"], 20);
      expect_bit_exact_restore(m);
      EXPECT_EQ(p["source_tier"], strategy == "disk" ? "disk" : "memory");
      EXPECT_EQ(m["source_tier"], strategy == "disk" ? "disk" : "mixed");
      if (strategy == "gemini") {
        for (const auto& r : m["ranks"]) EXPECT_EQ(r["tier"], r["rank"].get<int>() < 2 ? "memory" : "peer");
      }
    }
    EXPECT_EQ(final_loss(j), final_loss(ref));
    expect_identical_ranks(j, checksum);
    EXPECT_EQ(j["outcome"]["interrupted_by_signal"], 0);
  }
}

TEST_F(LaunchTcpTest, SigtermWritesAPartialReportAndLeavesNoRank) {
  const std::string cmd = "exec " + command("--collective tcp --strategy memory", "", 1000000) + " 2>" +
                          (dir_ / "stderr").string();
  pid_t pid = -1;
  const char* argv[] = {"/bin/sh", "-c", cmd.c_str(), nullptr};
  ASSERT_EQ(::posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
  // Wait until rank 0 trained a few iterations.
  const fs::path events = dir_ / "run" / "rank0.events.jsonl";
  bool training = false;
  for (int i = 0; i < 1200 && !training; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(events);
    std::string line;
    int iters = 0;
    while (std::getline(in, line)) iters += line.find("\"e\":\"iter\"") != std::string::npos;
    training = iters >= 3;
  }
  ASSERT_TRUE(training);
  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::ifstream in(dir_ / (name_ + ".json"));
  ASSERT_TRUE(in.good());
  const json j = json::parse(in);
  EXPECT_FALSE(j["outcome"]["completed"].get<bool>());
  EXPECT_EQ(j["outcome"]["interrupted_by_signal"], SIGTERM);
  EXPECT_GE(j["loss"].size(), 3u);
  EXPECT_EQ(j["environment"]["backend"], "tcp");
  // Every rank the launcher started is gone.
  for (int r = 0; r < 4; ++r) {
    std::ifstream ev(dir_ / "run" / ("rank" + std::to_string(r) + ".events.jsonl"));
    std::string line;
    while (std::getline(ev, line)) {
      const json e = json::parse(line);
      if (e["e"] != "start") continue;
      const pid_t rank_pid = e["pid"];
      EXPECT_NE(::kill(rank_pid, 0), 0) << "rank " << r << " (pid " << rank_pid << ") still alive";
    }
  }
  // The launcher left its memory segments (not a clean end); remove them.
  for (const auto& e : fs::directory_iterator("/dev/shm")) {
    if (e.path().filename().string().rfind("gemini-" + name_, 0) == 0) fs::remove(e.path());
  }
}
