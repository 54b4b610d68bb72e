// gemini-launch end to end (tiny preset, 4 ranks in 2 machines, CPU): data-parallel ranks stay
// identical; real SIGKILLs of a rank, of a machine (its memory wiped), of both machines, and of a
// rank in the middle of a save; recovery from memory, a peer's replica and disk; state after
// recovery equal to the checkpoint tensor for tensor; losses identical to a failure-free run.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "launch_checks.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

using namespace gemini::test;  // launch_checks.hpp

class LaunchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = std::string("lt") + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    dir_ = fs::temp_directory_path() / name_;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs a job; returns its JSON (empty on failure) and the exit code.
  json launch(const std::string& args, int* rc, const std::string& job_suffix = "",
              const std::string& shape = "--ranks 4 --machines 2 --iterations 30 --interval 5") {
    const std::string job = name_ + job_suffix;
    const std::string out = (dir_ / (job + ".json")).string();
    const std::string cmd = std::string(GEMINI_LAUNCH) + " " + shape + " --preset tiny --threads 1" +
                            " --job " + job + " --dir " + (dir_ / "disk").string() +
                            " --run-dir " + (dir_ / ("run" + job_suffix)).string() + " --out " + out + " " + args +
                            " 2>" + (dir_ / (job + ".stderr")).string();
    *rc = run(cmd);
    std::ifstream in(out);
    if (!in) return json();
    return json::parse(in);
  }

  // The failure-free reference: rank 0's loss per iteration and the final image checksum.
  const json& reference() {
    static json ref;
    if (ref.is_null()) {
      int rc = 0;
      ref = launch("--strategy none", &rc, "-ref");
      EXPECT_EQ(rc, 0);
    }
    return ref;
  }

  static bool segments_left(const std::string& job) {
    for (const auto& e : fs::directory_iterator("/dev/shm")) {
      if (e.path().filename().string().rfind("gemini-" + job, 0) == 0) return true;
    }
    return false;
  }

  // Every failure: detected; recovered (or its recovery cut short by the next one) from a
  // complete checkpoint, bit for bit; a lost machine's ranks never from their own memory.
  static void expect_consistent_recoveries(const json& j) {
    for (const json& f : j["timeline"]) {
      SCOPED_TRACE(f.dump());
      EXPECT_GT(f["detection_s"].get<double>(), 0.0);
      if (!f.contains("resumed_iteration")) {
        EXPECT_TRUE(f.value("recovery_interrupted", false)) << "a failure without a recovery";
        continue;
      }
      EXPECT_GE(f["lost_iterations"].get<int64_t>(), 0);
      if (f["source_tier"] == "none") continue;
      expect_bit_exact_restore(f);
      for (const json& r : f["ranks"]) {
        if (f["kind"] == "machine") {  // a lost machine's ranks cannot find their own memory
          const auto killed = f["ranks_killed"].get<std::vector<int>>();
          if (std::find(killed.begin(), killed.end(), r["rank"].get<int>()) != killed.end()) {
            EXPECT_NE(r["tier"], "memory") << "rank " << r["rank"];
          }
        }
      }
    }
  }

  // Each "machine" is its own host to NCCL: the ranks of one machine share a host id, the two
  // machines differ (rank r is on machine r / 2 here), unless the launcher inherited one.
  static void expect_nccl_host_per_machine(const fs::path& run_dir, const std::string& job) {
    std::vector<std::string> ids;
    for (int r = 0; r < 4; ++r) {
      std::ifstream in(run_dir / ("rank" + std::to_string(r) + ".events.jsonl"));
      std::string line;
      ASSERT_TRUE(std::getline(in, line)) << "rank " << r << ": no event log";
      const json start = json::parse(line);
      ASSERT_EQ(start["e"], "start");
      ids.push_back(start["nccl_hostid"].get<std::string>());
    }
    if (const char* inherited = std::getenv("NCCL_HOSTID")) {
      for (const auto& id : ids) EXPECT_EQ(id, inherited);
      return;
    }
    EXPECT_EQ(ids[0], job + "-machine0");
    EXPECT_EQ(ids[1], ids[0]);
    EXPECT_EQ(ids[2], job + "-machine1");
    EXPECT_EQ(ids[3], ids[2]);
  }

  // Replication waits for every rank's save: each replica transfer of a checkpoint starts
  // after the last rank logged its save of that iteration (one host, one monotonic clock), so
  // it never takes CPU from a peer still saving (docs/REAL.md). Returns the transfers checked.
  static int expect_replication_after_every_save(const fs::path& run_dir) {
    std::map<std::pair<int, int64_t>, double> last_save_end;  // (generation, iteration) -> t
    std::vector<json> transfers;
    for (int r = 0; r < 4; ++r) {
      std::ifstream in(run_dir / ("rank" + std::to_string(r) + ".events.jsonl"));
      for (std::string line; std::getline(in, line);) {
        const json e = json::parse(line, nullptr, false);
        if (e.is_discarded()) continue;  // a line cut short by a kill
        if (e["e"] == "save") {
          double& t = last_save_end[{e["gen"].get<int>(), e["iteration"].get<int64_t>()}];
          t = std::max(t, e["t"].get<double>());
        } else if (e["e"] == "replicate") {
          transfers.push_back(e);
        }
      }
    }
    for (const json& e : transfers) {
      SCOPED_TRACE(e.dump());
      const auto it = last_save_end.find({e["gen"].get<int>(), e["iteration"].get<int64_t>()});
      if (it == last_save_end.end()) {
        ADD_FAILURE() << "a replica of a checkpoint no rank saved";
        continue;
      }
      EXPECT_GT(e["t"].get<double>() - e["seconds"].get<double>(), it->second);
    }
    return static_cast<int>(transfers.size());
  }

  std::string name_;
  fs::path dir_;
};

}  // namespace

TEST_F(LaunchTest, DataParallelRanksStayIdentical) {
  const json& ref = reference();
  ASSERT_FALSE(ref.is_null());
  const uint64_t checksum = ref["final"][0]["checksum"];
  expect_identical_ranks(ref, checksum);
  EXPECT_EQ(ref["environment"]["world_size"], 4);
  EXPECT_EQ(ref["environment"]["backend"], "gloo");
  EXPECT_GT(ref["checkpoint_bytes_per_rank"].get<uint64_t>(), 0u);
  EXPECT_LT(final_loss(ref), ref["loss"][0]["loss"].get<double>());

  int rc = 0;
  const json g = launch("--strategy gemini", &rc);
  ASSERT_EQ(rc, 0);
  expect_identical_ranks(g, checksum);  // checkpointing does not change training
  EXPECT_EQ(g["phases"]["save_stall_s"]["count"], 4 * 6);
  EXPECT_EQ(g["phases"]["save_stall_memory_only_s"]["count"], 4 * 6);  // no disk saves: every stall is one
  EXPECT_FALSE(g["phases"].contains("save_stall_with_disk_s"));
  EXPECT_EQ(g["phases"]["replicate_put_s"]["count"], 4 * 6);
  EXPECT_EQ(expect_replication_after_every_save(dir_ / "run"), 4 * 6);
  EXPECT_FALSE(segments_left(name_)) << "shared memory left after a clean end";
  expect_nccl_host_per_machine(dir_ / "run", name_);
}

TEST_F(LaunchTest, ProcessFailureResumesFromMemoryWithSameLoss) {
  const json& ref = reference();
  int rc = 0;
  const json j = launch("--strategy memory --fail 12:process:1 --keep-memory", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(j["timeline"].size(), 1u);
  const json& f = j["timeline"][0];
  EXPECT_EQ(f["kind"], "process");
  EXPECT_EQ(f["source_tier"], "memory");
  EXPECT_EQ(f["resumed_iteration"], 10);
  EXPECT_GE(f["lost_iterations"].get<int>(), 2);
  for (const char* k : {"detection_s", "restart_s", "retrieval_s", "load_s", "recovery_s"}) {
    EXPECT_GT(f[k].get<double>(), 0.0) << k;
  }
  expect_bit_exact_restore(f);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  expect_identical_ranks(j, ref["final"][0]["checksum"]);
  // Segments: named per job and machine, private to the user (kept here by --keep-memory).
  int segments = 0;
  for (const auto& e : fs::directory_iterator("/dev/shm")) {
    if (e.path().filename().string().rfind("gemini-" + name_ + "-m", 0) != 0) continue;
    ++segments;
    EXPECT_EQ(static_cast<unsigned>(fs::status(e.path()).permissions() & fs::perms::all), 0600u);
    fs::remove(e.path());
  }
  EXPECT_EQ(segments, 4);
}

TEST_F(LaunchTest, MachineLossRecoversFromPeerReplica) {
  const json& ref = reference();
  int rc = 0;
  const json j = launch("--strategy gemini --replicas 2 --fail 12:machine:1", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(j["timeline"].size(), 1u);
  const json& f = j["timeline"][0];
  EXPECT_EQ(f["kind"], "machine");
  EXPECT_EQ(f["resumed_iteration"], 10);
  for (const auto& r : f["ranks"]) {
    const int rank = r["rank"];
    EXPECT_EQ(r["tier"], rank < 2 ? "memory" : "peer") << "rank " << rank;
    if (rank >= 2) {
      EXPECT_EQ(r["holder"], rank - 2);
    }
  }
  expect_bit_exact_restore(f);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  expect_identical_ranks(j, ref["final"][0]["checksum"]);
}

// --replication-mode in-line: each save waits for its replicas, and its recorded stall holds the
// whole replication (the NCCL runs on the H200 found the stall ending before it). So every
// save's stall is at least its capture, checksum, memory save and replication together, and a
// machine lost two iterations after a checkpoint finds that checkpoint's replica complete.
TEST_F(LaunchTest, InLineReplicationIsInsideTheSaveStall) {
  const json& ref = reference();
  int rc = 0;
  const json j = launch("--strategy gemini --replicas 2 --replication-mode in-line --fail 12:machine:1", &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(j["config"]["replication_mode"], "in-line");
  EXPECT_EQ(j["model"]["replication_in_line"], true);
  ASSERT_EQ(j["timeline"].size(), 1u);
  EXPECT_EQ(j["timeline"][0]["resumed_iteration"], 10);
  expect_bit_exact_restore(j["timeline"][0]);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  int saves = 0;
  for (int r = 0; r < 4; ++r) {
    std::ifstream in(dir_ / "run" / ("rank" + std::to_string(r) + ".events.jsonl"));
    std::map<std::pair<int, int64_t>, double> replicated_s;  // (generation, iteration) -> seconds
    for (std::string line; std::getline(in, line);) {
      const json e = json::parse(line, nullptr, false);
      if (e.is_discarded()) continue;  // a line cut short by the kill
      const std::pair<int, int64_t> key{e.value("gen", -1), e.value("iteration", int64_t{-1})};
      if (e["e"] == "replicated") replicated_s[key] = e["seconds"].get<double>();
      if (e["e"] != "save") continue;
      SCOPED_TRACE(e.dump());
      const auto rep = replicated_s.find(key);  // logged before its save: it ran inside it
      ASSERT_NE(rep, replicated_s.end()) << "rank " << r << ": a save without its replication before it";
      const double parts_s = e["snapshot_copy_s"].get<double>() + e["snapshot_checksum_s"].get<double>() +
                             e["memory_s"].get<double>() + rep->second;
      EXPECT_GE(e["stall_s"].get<double>(), parts_s);
      EXPECT_GE(e["in_line_replication_s"].get<double>(), rep->second);
      ++saves;
    }
  }
  EXPECT_GE(saves, 4 * 6);  // iterations 5, 10, then after the failure (resumed at 10) 15, 20, 25, 30
}

TEST_F(LaunchTest, LosingBothHoldersFallsBackToDisk) {
  const json& ref = reference();
  int rc = 0;
  // Memory every 5, disk every 10; both machines (all holders of every replica) lost at 17.
  const json j = launch("--strategy gemini --persistent-interval 10 --fail 17:machine:0+1", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(j["timeline"].size(), 1u);
  const json& f = j["timeline"][0];
  EXPECT_EQ(f["source_tier"], "disk");
  EXPECT_EQ(f["resumed_iteration"], 10);
  EXPECT_GE(f["lost_iterations"].get<int>(), 7);
  expect_bit_exact_restore(f);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  expect_identical_ranks(j, ref["final"][0]["checksum"]);
  // Each disk save is listed with its start: within the run, and the ranks of one save start
  // close together (all leave the same iteration's all-reduce).
  const json& saves = j["disk_saves"];
  ASSERT_EQ(saves.size(), j["phases"]["save_disk_s"]["count"].get<size_t>());
  // The stalls of saves that also wrote to disk have their own phase, the rest theirs.
  const json& ph = j["phases"];
  EXPECT_EQ(ph["save_stall_with_disk_s"]["count"].get<size_t>(), saves.size());
  EXPECT_EQ(ph["save_stall_with_disk_s"]["count"].get<size_t>() + ph["save_stall_memory_only_s"]["count"].get<size_t>(),
            ph["save_stall_s"]["count"].get<size_t>());
  EXPECT_GT(ph["save_stall_with_disk_s"]["median_s"].get<double>(), ph["save_stall_memory_only_s"]["median_s"].get<double>());
  std::map<std::pair<int, int>, std::vector<double>> starts;  // (generation, iteration) -> starts
  for (const json& s : saves) {
    EXPECT_EQ(s["iteration"].get<int>() % 10, 0) << s;
    EXPECT_GT(s["start_s"].get<double>(), 0.0) << s;
    EXPECT_LT(s["start_s"].get<double>() + s["seconds"].get<double>(), j["outcome"]["wall_s"].get<double>()) << s;
    starts[{s["generation"].get<int>(), s["iteration"].get<int>()}].push_back(s["start_s"].get<double>());
  }
  for (const auto& [save, v] : starts) {
    EXPECT_EQ(v.size(), 4u);
    EXPECT_LT(*std::max_element(v.begin(), v.end()) - *std::min_element(v.begin(), v.end()), 5.0);
  }
}

TEST_F(LaunchTest, KillDuringSaveLeavesPreviousCheckpointUsable) {
  const json& ref = reference();
  int rc = 0;
  // Rank 1 is SIGKILLed halfway through writing its iteration-15 memory checkpoint.
  const json j = launch("--strategy memory --debug-save-pause-ms 300 --fail 15:process:1:save", &rc);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(j["timeline"].size(), 1u);
  const json& f = j["timeline"][0];
  EXPECT_TRUE(f["during_save"].get<bool>());
  EXPECT_EQ(f["source_tier"], "memory");
  EXPECT_EQ(f["resumed_iteration"], 10);  // the torn 15 is never used, by anyone
  expect_bit_exact_restore(f);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  expect_identical_ranks(j, ref["final"][0]["checksum"]);
}

// Crash consistency: real SIGKILLs of processes and whole machines (memory-store holders) in
// every phase: between iterations, halfway through a memory save, halfway through sending a
// replica, and in the middle of a recovery (--debug-pause-ms holds each phase for 100 ms). Then
// many rounds drawn from seeds, phases included. Whatever happens, every recovery restores a
// complete checkpoint bit for bit (a torn save or half-sent replica is never used), a lost
// machine's ranks never load "from memory", and the run ends exactly where the failure-free run
// ends, with nothing left in /dev/shm.

TEST_F(LaunchTest, KillsInEveryPhaseRecoverFromCompleteCheckpoints) {
  const json& ref = reference();
  int rc = 0;
  const json j = launch("--strategy gemini --replicas 2 --persistent-interval 10 --debug-pause-ms 100 --max-restarts 6"
                        " --fail 8:process:1 --fail 8:machine:1:recover --fail 14:machine:0:replicate"
                        " --fail 17:process:2:save",
                        &rc);
  ASSERT_EQ(rc, 0);
  const json& t = j["timeline"];
  ASSERT_EQ(t.size(), 4u);
  EXPECT_TRUE(j["outcome"]["failures_not_fired"].empty());
  EXPECT_TRUE(t[0].value("recovery_interrupted", false));  // machine 1 died during that recovery
  EXPECT_EQ(t[1]["during"], "recover");
  EXPECT_EQ(t[2]["during"], "replicate");
  // Machine 0 died halfway through sending its ranks' iteration-15 replicas: the holder's torn
  // copy is never loaded, the complete one of iteration 10 is.
  // (Training goes on while the replica is sent, so the job may be an iteration or two past 15.)
  EXPECT_GE(t[2]["iteration"].get<int>(), 15);
  EXPECT_LT(t[2]["iteration"].get<int>(), 20);
  EXPECT_EQ(t[2]["resumed_iteration"], 10);
  EXPECT_EQ(t[3]["during"], "save");
  expect_consistent_recoveries(j);
  EXPECT_EQ(final_loss(j), final_loss(ref));
  expect_identical_ranks(j, ref["final"][0]["checksum"]);
  EXPECT_FALSE(segments_left(name_));
}

TEST_F(LaunchTest, RandomKillsOverManyRoundsNeverChangeTheResult) {
  const json& ref = reference();
  for (const int seed : {11, 12, 13}) {
    SCOPED_TRACE("--fail-seed " + std::to_string(seed));
    int rc = 0;
    const std::string suffix = "-s" + std::to_string(seed);
    const json j = launch("--strategy gemini --replicas 2 --persistent-interval 10 --debug-pause-ms 60"
                          " --max-restarts 6 --fail-random 6 --fail-seed " + std::to_string(seed),
                          &rc, suffix);
    ASSERT_EQ(rc, 0);
    ASSERT_GE(j["timeline"].size(), 3u);
    EXPECT_EQ(j["timeline"].size() + j["outcome"]["failures_not_fired"].size(), 6u);
    expect_consistent_recoveries(j);
    EXPECT_EQ(final_loss(j), final_loss(ref));
    expect_identical_ranks(j, ref["final"][0]["checksum"]);
    EXPECT_FALSE(segments_left(name_ + suffix));
  }
}

// Replication security at the job level: with three copies of each image (own memory and two
// peers), rank 0 loses its own memory and its first peer's copy is corrupted. The resumed job
// refuses that copy (checksum), says so, and carries on from the other peer's, bit for bit.
TEST_F(LaunchTest, CorruptReplicaIsRefusedAndAnotherServes) {
  const std::string shape = "--ranks 3 --machines 3 --interval 5 --strategy gemini --replicas 3";
  int rc = 0;
  const json first = launch("--iterations 10 --keep-memory", &rc, "", shape);
  ASSERT_EQ(rc, 0);
  // Segments: /dev/shm/gemini-<job>-m<machine>-r<rank>; rank 0's own is on m0, its copies on m1, m2.
  const std::string shm = "/dev/shm/gemini-" + name_;
  ASSERT_TRUE(fs::exists(shm + "-m1-r0"));
  fs::remove(shm + "-m0-r0");
  {
    std::fstream seg(shm + "-m1-r0", std::ios::in | std::ios::out | std::ios::binary);
    const auto bytes = static_cast<std::streamoff>(fs::file_size(shm + "-m1-r0"));
    const std::streamoff slot = (bytes - 4096) / 2;
    for (const std::streamoff at : {4096 + slot / 2, 4096 + slot + slot / 2}) {  // both slots' data
      seg.seekg(at);
      const char c = static_cast<char>(seg.get());
      seg.seekp(at);
      seg.put(static_cast<char>(c ^ 0x5a));
    }
  }
  const json resumed = launch("--iterations 15 --resume", &rc, "", shape);
  ASSERT_EQ(rc, 0);
  const json& start = resumed["resumed_start"];
  ASSERT_FALSE(start.is_null());
  EXPECT_EQ(start["resumed_iteration"], 10);
  const json& r0 = start["ranks"][0];
  EXPECT_EQ(r0["tier"], "peer");
  EXPECT_EQ(r0["holder"], 2);
  ASSERT_EQ(r0["rejected"].size(), 1u);
  EXPECT_NE(r0["rejected"][0].get<std::string>().find("peer 1"), std::string::npos) << r0["rejected"][0];
  EXPECT_EQ(r0["tensors_equal"], r0["tensors"]);
  EXPECT_EQ(r0["restored_checksum"], first["final"][0]["checksum"]);
  // And it continued to the same place as one uninterrupted run of 15 iterations.
  const json straight = launch("--iterations 15", &rc, "-straight", shape);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(resumed["final"][0]["checksum"], straight["final"][0]["checksum"]);
  EXPECT_FALSE(segments_left(name_));
}

// A rank that cannot start (here: --device cuda without CUDA) fails the same way every time: the
// launcher says why from the rank's log and gives up after two such generations instead of
// retrying until --max-restarts.
TEST_F(LaunchTest, StartupFailureGivesUpAfterTwoGenerationsAndSaysWhy) {
  int rc = 0;
  const json j = launch("--strategy disk --device cuda --max-restarts 5", &rc);
  if (j.is_object() && j["outcome"]["completed"].get<bool>()) GTEST_SKIP() << "CUDA works here";
  EXPECT_EQ(rc, 1);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["outcome"]["generations"], 2);
  const std::string why = j["outcome"]["gave_up"];
  EXPECT_NE(why.find("before training in two generations"), std::string::npos) << why;
  EXPECT_NE(why.find("CUDA is not available"), std::string::npos) << why;
  ASSERT_EQ(j["timeline"].size(), 2u);
  EXPECT_EQ(j["timeline"][0]["kind"], "crash");
}

TEST_F(LaunchTest, BadFlagsExitTwo) {
  int rc = 0;
  launch("--strategy gemini --replicas 3", &rc);
  EXPECT_EQ(rc, 2);
  launch("--strategy tape", &rc);
  EXPECT_EQ(rc, 2);
  launch("--fail 12:rack:0", &rc);
  EXPECT_EQ(rc, 2);
  launch("--fail 12:machine:5", &rc);
  EXPECT_EQ(rc, 2);
  launch("--fail 12:process:1:save", &rc);  // needs --debug-pause-ms
  EXPECT_EQ(rc, 2);
  launch("--persistent-interval 5 --strategy disk", &rc);
  EXPECT_EQ(rc, 2);
  launch("--strategy memory --shm-dir /nonexistent/gemini-test", &rc);
  EXPECT_EQ(rc, 2);
  launch("--strategy disk --collective nccl", &rc);  // NCCL runs on GPUs only
  EXPECT_EQ(rc, 2);
  launch("--strategy gemini --replicas 2 --replication-transport nccl", &rc);
  EXPECT_EQ(rc, 2);
  launch("--strategy memory --device cuda --replication-transport nccl", &rc);  // no replicas to send
  EXPECT_EQ(rc, 2);
  launch("--strategy memory --replication-mode in-line", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_EQ(run(std::string(GEMINI_LAUNCH) + " --ranks 3 --machines 2 2>/dev/null"), 2);
  EXPECT_EQ(run(std::string(GEMINI_LAUNCH) + " --bogus 2>/dev/null"), 2);
  // A rank started by hand without the rendezvous variables.
  EXPECT_EQ(run("WORLD_SIZE=2 RANK=0 " + std::string(GEMINI_TRAIN) + " --preset tiny 2>/dev/null"), 2);
  EXPECT_EQ(run("WORLD_SIZE=2 RANK=0 MASTER_PORT=1 " + std::string(GEMINI_TRAIN) + " --strategy gemini --machines 2 --replicas 3 2>/dev/null"), 2);
}
