// Checks shared by the gemini-launch end-to-end tests (real_launch_test, real_launch_tcp_test):
// running a command, and reading a run JSON (docs/REAL.md) for the final loss, identical ranks
// and bit-exact restores. Every job there runs 30 iterations.
#pragma once
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace gemini::test {

using json = nlohmann::json;

// Runs a shell command; its exit code (-1 when it did not exit normally).
inline int run(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Rank 0's loss at iteration 30 (-1 if the run never got there).
inline double final_loss(const json& j) {
  double loss = -1;
  for (const auto& l : j["loss"]) {
    if (l["iteration"] == 30) loss = l["loss"];
  }
  return loss;
}

// All 4 ranks ended at iteration 30 with the image `checksum`.
inline void expect_identical_ranks(const json& j, uint64_t checksum) {
  ASSERT_EQ(j["final"].size(), 4u);
  for (const auto& f : j["final"]) {
    EXPECT_EQ(f["iteration"], 30);
    EXPECT_EQ(f["checksum"].get<uint64_t>(), checksum) << "rank " << f["rank"];
  }
  // The run's time splits into training and the processes' exit after it.
  const auto& o = j["outcome"];
  EXPECT_GT(o["training_end_s"].get<double>(), 0.0);
  EXPECT_GE(o["shutdown_s"].get<double>(), 0.0);
  EXPECT_NEAR(o["training_end_s"].get<double>() + o["shutdown_s"].get<double>(), o["wall_s"].get<double>(), 1e-9);
}

// Every rank restored exactly the checkpointed bytes (every tensor checksum equal).
inline void expect_bit_exact_restore(const json& failure) {
  ASSERT_TRUE(failure.contains("ranks"));
  for (const auto& r : failure["ranks"]) {
    EXPECT_GT(r["tensors"].get<int>(), 0);
    EXPECT_EQ(r["tensors_equal"], r["tensors"]) << "rank " << r["rank"];
    EXPECT_EQ(r["restored_checksum"], r["checkpoint_checksum"]) << "rank " << r["rank"];
    // Where its retrieval ran: a CPU of this host at both ends, counts that cannot go back.
    const long cpus = ::sysconf(_SC_NPROCESSORS_CONF);
    for (const char* at : {"cpu_at_agreed", "cpu_at_fetched"}) {
      EXPECT_GE(r[at].get<int>(), 0) << at << ", rank " << r["rank"];
      EXPECT_LT(r[at].get<int>(), cpus) << at << ", rank " << r["rank"];
    }
    EXPECT_GE(r["retrieval_preemptions"].get<long>(), 0) << "rank " << r["rank"];
    EXPECT_GE(r["retrieval_waits"].get<long>(), 0) << "rank " << r["rank"];
  }
}

}  // namespace gemini::test
