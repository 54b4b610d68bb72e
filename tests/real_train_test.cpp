// gemini-train across process restarts: a run stopped at iteration 10 and restarted (from the
// memory store, or the disk store once the segment is gone) prints the same losses as one
// uninterrupted run.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {
// Runs gemini-train, returns stdout lines "iteration=K loss=L" as {K, "L"} text; rc via *rc.
std::vector<std::pair<int, std::string>> train(const std::string& args, int* rc) {
  const std::string cmd = std::string(GEMINI_TRAIN) + " --preset tiny --threads 1 " + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  std::vector<std::pair<int, std::string>> out;
  char line[512];
  while (p && std::fgets(line, sizeof line, p)) {
    int it = 0;
    char loss[64] = {};
    if (std::sscanf(line, "iteration=%d loss=%63s", &it, loss) == 2) out.emplace_back(it, loss);
  }
  const int status = p ? ::pclose(p) : -1;
  *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

class TrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tag_ = std::to_string(::getpid());
    dir_ = fs::temp_directory_path() / ("gemini-train-test-" + tag_);
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string common(const std::string& job) { return "--dir " + dir_.string() + " --job " + job + tag_; }
  std::string tag_;
  fs::path dir_;
};
}  // namespace

TEST_F(TrainTest, RestartResumesBitForBit) {
  int rc = 0;
  const auto whole = train("--strategy none --iterations 20 " + common("whole"), &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(whole.size(), 20u);

  for (const std::string strategy : {"memory", "disk"}) {
    const std::string job = common("resume-" + strategy);
    const auto first = train("--fresh --strategy " + strategy + " --interval 5 --iterations 10 " + job, &rc);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(first.size(), 10u);
    const auto second = train("--strategy " + strategy + " --interval 5 --iterations 20 --cleanup " + job, &rc);
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(second.size(), 10u) << strategy << " did not resume at iteration 10";
    EXPECT_EQ(second.front().first, 11);
    for (size_t i = 0; i < second.size(); ++i) {
      EXPECT_EQ(second[i].second, whole[10 + i].second) << strategy << " iteration " << second[i].first;
    }
  }
}

TEST_F(TrainTest, BadFlagsExitTwo) {
  int rc = 0;
  train("--strategy tape", &rc);
  EXPECT_EQ(rc, 2);
  train("--interval 0", &rc);
  EXPECT_EQ(rc, 2);
}
