// Tests of `gemini-sim sweep`, `gemini-sim merge` and `--trace` (docs/SWEEPS.md, docs/OUTPUT.md),
// run as subprocesses: finished points are not recomputed, shards partition the points, merged
// shards equal the unsharded run byte for byte, bad sweep files exit 2 with file:line, and the
// trace is well-formed Chrome trace-event JSON.
#include <gtest/gtest.h>

#include "cli_support.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

namespace gemini {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSourceDir = GEMINI_SOURCE_DIR;
const std::string kSim = GEMINI_SIM_BIN;

using test::CommandResult;
using test::slurp;

CommandResult run(const std::string& args) { return test::run_command(kSim, args); }

struct Scratch : test::Scratch {
  Scratch() : test::Scratch("gemini_sweep_cli_test_") {}
};

const std::string kBase = test::small_p4d_scenario(2, 3);

const char* kSweep = R"(name: small-sweep
scenario: base.yaml
axes:
  - {key: failures.rate, values: [5%/day, 20%/day, 1/day]}
  - {key: cluster.machines, values: [4, 8]}
trials: 2
)";

TEST(SweepCliTest, FinishedPointsAreNotRecomputed) {
  Scratch s;
  s.write("base.yaml", kBase);
  s.write("sweep.yaml", kSweep);
  ASSERT_EQ(run("sweep " + s.q("sweep.yaml") + " --out " + s.q("out") + " -q -j 2").code, 0);
  const fs::path p2 = s.dir / "out" / "points" / "p000002.json", p3 = s.dir / "out" / "points" / "p000003.json";
  // Mark one finished point (same key: it stays) and corrupt another's key (it is redone).
  json rec = json::parse(slurp(p2));
  rec["result"]["strategies"][0]["ettr"]["mean"] = 0.123456;
  std::ofstream(p2) << rec.dump(1) << "\n";
  json stale = json::parse(slurp(p3));
  stale["key"] = "0000000000000000";
  stale["result"]["strategies"][0]["ettr"]["mean"] = 0.654321;
  std::ofstream(p3) << stale.dump(1) << "\n";
  const CommandResult again = run("sweep " + s.q("sweep.yaml") + " --out " + s.q("out") + " -j 2");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("5 of 6 points already in"), std::string::npos) << again.output;
  EXPECT_DOUBLE_EQ(json::parse(slurp(p2))["result"]["strategies"][0]["ettr"]["mean"].get<double>(), 0.123456);
  EXPECT_NE(json::parse(slurp(p3))["result"]["strategies"][0]["ettr"]["mean"].get<double>(), 0.654321);
  const std::string csv = slurp(s.dir / "out" / "sweep.csv");
  EXPECT_NE(csv.find("\n2,20%/day,4,small,4,32,86400,3,0.2,20,400,strawman,2,0.123456,"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 6 * 2);
  // --list reports every point done.
  const CommandResult list = run("sweep " + s.q("sweep.yaml") + " --out " + s.q("out") + " --list");
  EXPECT_EQ(list.code, 0);
  EXPECT_EQ(list.output.find("to run"), std::string::npos) << list.output;
}

TEST(SweepCliTest, ShardsPartitionThePoints) {
  Scratch s;
  s.write("base.yaml", kBase);
  s.write("sweep.yaml", kSweep);
  std::map<int, int> seen;
  for (int i = 0; i < 4; ++i) {
    const CommandResult r = run("sweep " + s.q("sweep.yaml") + " --out " + s.q("x") + " --list --shard " +
                                std::to_string(i) + "/4");
    ASSERT_EQ(r.code, 0) << r.output;
    std::istringstream lines(r.output);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      const int point = std::stoi(line);
      EXPECT_EQ(point % 4, i);
      ++seen[point];
    }
  }
  ASSERT_EQ(seen.size(), 6u);
  for (const auto& [point, count] : seen) EXPECT_EQ(count, 1) << "point " << point;
  EXPECT_EQ(run("sweep " + s.q("sweep.yaml") + " --list --shard 4/4").code, 2);
  EXPECT_EQ(run("sweep " + s.q("sweep.yaml") + " --list --shard two").code, 2);
}

TEST(SweepCliTest, MergedShardsEqualTheUnshardedRun) {
  Scratch s;
  s.write("base.yaml", kBase);
  s.write("sweep.yaml", kSweep);
  ASSERT_EQ(run("sweep " + s.q("sweep.yaml") + " --out " + s.q("all") + " -q -j 1").code, 0);
  for (int i = 0; i < 3; ++i) {
    const std::string shard = std::to_string(i) + "/3";
    const CommandResult r = run("sweep " + s.q("sweep.yaml") + " --out " + s.q("shard" + std::to_string(i)) +
                                " -q -j 2 --shard " + shard);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_FALSE(fs::exists(s.dir / ("shard" + std::to_string(i)) / "sweep.csv"));  // incomplete alone
  }
  // Missing shards are an error unless allowed.
  EXPECT_EQ(run("merge " + s.q("shard0") + " " + s.q("shard1") + " --out " + s.q("part.csv")).code, 1);
  EXPECT_EQ(run("merge " + s.q("shard0") + " --out " + s.q("part.csv") + " --allow-missing").code, 0);
  const CommandResult m = run("merge " + s.q("shard2") + " " + s.q("shard0") + " " + s.q("shard1") + " --out " +
                              s.q("merged.csv") + " --json " + s.q("merged.json"));
  ASSERT_EQ(m.code, 0) << m.output;
  const std::string unsharded = slurp(s.dir / "all" / "sweep.csv");
  ASSERT_FALSE(unsharded.empty());
  EXPECT_EQ(slurp(s.dir / "merged.csv"), unsharded);
  EXPECT_EQ(slurp(s.dir / "merged.json"), slurp(s.dir / "all" / "sweep.json"));
  // The JSON: every point with its axes and every strategy.
  const json j = json::parse(slurp(s.dir / "merged.json"));
  ASSERT_EQ(j["points"].size(), 6u);
  EXPECT_EQ(j["points"][5]["axes"][1]["value"], "8");
  EXPECT_EQ(j["points"][5]["result"]["strategies"].size(), 2u);
  // A folder of another sweep does not merge.
  s.write("other.yaml", std::string(kSweep).replace(0, 17, "name: other-sweep"));
  ASSERT_EQ(run("sweep " + s.q("other.yaml") + " --out " + s.q("other") + " -q --shard 0/6").code, 0);
  EXPECT_EQ(run("merge " + s.q("all") + " " + s.q("other") + " --out " + s.q("bad.csv")).code, 2);
}

TEST(SweepCliTest, BadSweepFileExitsTwoWithFileLine) {
  Scratch s;
  s.write("base.yaml", kBase);
  const std::string bad = s.write("bad.yaml", "name: b\nscenario: base.yaml\naxes:\n  - key: cluster.machines\n"
                                              "    values: [4, -1]\n");
  const CommandResult r = run("sweep " + s.q("bad.yaml") + " --out " + s.q("out"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find(bad + ":5: cluster.machines = -1: 'machines' must be at least 1"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(s.dir / "out"));
}

// Phase spans of each strategy tile [0, horizon]; failures, recoveries and machine tracks agree.
void check_trace(const json& t, int strategies, double horizon_s, int failures, int max_machine_tracks) {
  ASSERT_TRUE(t["traceEvents"].is_array());
  std::map<int, std::string> process;
  std::map<std::pair<int, int>, std::string> thread;
  std::map<int, double> span_us;
  std::map<int, int> failure_marks, recoveries, machine_spans;
  for (const json& e : t["traceEvents"]) {
    const std::string ph = e.at("ph");
    const int pid = e.at("pid");
    if (ph == "M") {
      if (e["name"] == "process_name") process[pid] = e["args"]["name"];
      if (e["name"] == "thread_name") thread[{pid, e.at("tid").get<int>()}] = e["args"]["name"];
      continue;
    }
    ASSERT_TRUE(ph == "X" || ph == "i") << e;
    ASSERT_GE(e.at("ts").get<double>(), 0) << e;
    ASSERT_TRUE(thread.count({pid, e.at("tid").get<int>()})) << "event on an unnamed track: " << e;
    if (ph == "X") {
      ASSERT_GE(e.at("dur").get<double>(), 0) << e;
      ASSERT_LE(e["ts"].get<double>() + e["dur"].get<double>(), horizon_s * 1e6 * (1 + 1e-9)) << e;
      if (e.at("cat") == "phase") span_us[pid] += e["dur"].get<double>();
      if (e.at("cat") == "machine") ++machine_spans[pid];
    } else {
      if (e.at("name") == "failure") ++failure_marks[pid];
      if (e.at("name") == "recovered") ++recoveries[pid];
    }
  }
  ASSERT_EQ(static_cast<int>(process.size()), strategies);
  for (const auto& [pid, name] : process) {
    EXPECT_EQ(name.rfind("strategy ", 0), 0u);
    EXPECT_NEAR(span_us[pid], horizon_s * 1e6, 1.0) << name;  // phases tile the run
    EXPECT_EQ(failure_marks[pid], failures) << name;
    EXPECT_GE(machine_spans[pid], 1) << name;
    for (const char* phase : {"compute", "checkpoint_stall", "detection", "replacement", "retrieval", "warmup"}) {
      bool found = false;
      for (const auto& [key, n] : thread) found = found || (key.first == pid && n == phase);
      EXPECT_TRUE(found) << phase;
    }
    int machine_tracks = 0;
    for (const auto& [key, n] : thread) machine_tracks += key.first == pid && n.rfind("machine", 0) == 0;
    EXPECT_GE(machine_tracks, 1);
    EXPECT_LE(machine_tracks, max_machine_tracks);
  }
}

TEST(SweepCliTest, TraceIsChromeTraceEventJson) {
  Scratch s;
  // Two failures at known times on known machines, no random ones.
  s.write("trace.yaml", R"(name: traced
cluster: {machines: 4, hardware: p4d.24xlarge}
model: gpt2-100b
training: {iteration_time: 62s}
horizon: 1d
storage: {bandwidth: 20Gbps}
failures:
  events:
    - {at: 2h, machines: [1], kind: hardware}
    - {at: 10h, machines: [2, 3], kind: software}
strategies: [strawman, highfreq, gemini]
)");
  const CommandResult r = run(s.q("trace.yaml") + " -q --trace " + s.q("t.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const json t = json::parse(slurp(s.dir / "t.json"));
  check_trace(t, 3, 86400, 2, 3);
  EXPECT_EQ(t["otherData"]["trial"], 0);
  std::set<std::string> names;
  for (const json& e : t["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") names.insert(e["args"]["name"]);
  }
  EXPECT_TRUE(names.count("machine 1") && names.count("machine 2") && names.count("machine 3"));
  EXPECT_FALSE(names.count("machine 0"));
}

TEST(SweepCliTest, TraceGroupsMachinesAtScale) {
  Scratch s;
  std::string events;
  for (int i = 0; i < 40; ++i) {
    events += "    - {at: " + std::to_string(1 + i) + "h, machines: [" + std::to_string(3 * i) + "], kind: software}\n";
  }
  s.write("big.yaml", "name: big\ncluster: {machines: 128, hardware: p4d.24xlarge}\nmodel: gpt2-100b\n"
                      "training: {iteration_time: 62s}\nhorizon: 2d\nstorage: {bandwidth: 20Gbps}\n"
                      "failures:\n  events:\n" + events + "strategies: [gemini]\n");
  const CommandResult r = run(s.q("big.yaml") + " -q --trace " + s.q("t.json"));
  ASSERT_EQ(r.code, 0) << r.output;
  const json t = json::parse(slurp(s.dir / "t.json"));
  check_trace(t, 1, 2 * 86400, 40, 32);
  bool grouped = false;
  for (const json& e : t["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name" && e["args"]["name"] == "machines 0-3") grouped = true;
  }
  EXPECT_TRUE(grouped);
}

}  // namespace
}  // namespace gemini
