// End-to-end: gemini-calibrate --quick with tiny sizes writes JSON and YAML with every benchmark.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "gemini/profile_fields.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#ifdef GEMINI_HAVE_YAML_CPP
#include <yaml-cpp/yaml.h>
#endif

namespace {
struct TmpDir {
  std::string path;
  TmpDir() {
    std::string t = (std::filesystem::temp_directory_path() / "calib-cli-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TmpDir() { std::filesystem::remove_all(path); }
};

int run(const std::string& args) {
  const std::string cmd = std::string(GEMINI_CALIBRATE_EXE) + " " + args;
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// Runs gemini-calibrate with `args` (no --out-json or --out-profile) writing its JSON into d and
// its profile to `profile` ('': none), which must succeed; returns that JSON (null after a failed
// assertion).
nlohmann::json run_for_json(const std::string& args, const TmpDir& d, const std::string& profile = "''") {
  const std::string json = d.path + "/run.json";
  const int rc = run(args + " --out-profile " + profile + " --quiet --out-json " + json);
  EXPECT_EQ(rc, 0) << args;
  if (rc != 0) return nullptr;
  std::ifstream f(json);
  return nlohmann::json::parse(f);
}
}  // namespace

TEST(calibrate_cli_test, quick_run_writes_every_benchmark) {
  TmpDir d;
  const std::string json = d.path + "/out.json", yaml = d.path + "/profile.yaml";
  ASSERT_EQ(run("--quick --max-bytes 4MB --gpu-max-bytes 4MB --reps 2 --dir " + d.path + " --out-json " + json +
                " --out-profile " + yaml + " --quiet"),
            0);
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["tool"], "gemini-calibrate");
  EXPECT_FALSE(j["machine"]["cpu_model"].get<std::string>().empty());
  EXPECT_TRUE(j["machine"]["memcpy_non_temporal_threshold_bytes"].is_number_unsigned());  // 0 where unknown
  EXPECT_NE(j["command"].get<std::string>().find("--quick"), std::string::npos);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& b : j["benchmarks"]) by_name[b["name"]] = b;
  for (const char* name : {"host-memcpy", "disk-write", "disk-read-cold", "tcp-loopback", "tcp-loopback-fresh"}) {
    ASSERT_TRUE(by_name.count(name)) << name;
    const auto& b = by_name[name];
    EXPECT_EQ(b["status"], "ok") << name;
    ASSERT_EQ(b["points"].size(), 2u) << name;  // 1 MiB and 4 MB
    EXPECT_EQ(b["points"][0]["bytes"], 1048576.0);
    EXPECT_EQ(b["points"][1]["bytes"], 4e6);
    EXPECT_EQ(b["points"][1]["count"], 2);
    EXPECT_GT(b["points"][1]["median_s"].get<double>(), 0.0);
    // Two noisy sizes may not give a rising line: then the fit is null and says why.
    EXPECT_TRUE(!b["fit"].is_null() || b.contains("fit_error")) << name;
  }
  EXPECT_TRUE(by_name["disk-read-cold"]["extra"].contains("cold_read_assured"));
  // GPU benchmarks are reported whether or not a GPU is there (skipped with a reason if not).
  for (const char* name : {"gpu-h2d-pinned", "gpu-d2h-pinned", "gpu-d2d", "nccl-allreduce"}) {
    ASSERT_TRUE(by_name.count(name)) << name;
    const std::string status = by_name[name]["status"];
    EXPECT_TRUE(status == "ok" || status == "skipped") << name << ": " << by_name[name]["message"];
  }
  // The temporary disk directory was removed.
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.path)) entries += e.is_directory();
  EXPECT_EQ(entries, 0);
#ifdef GEMINI_HAVE_YAML_CPP
  const YAML::Node y = YAML::LoadFile(yaml);
  EXPECT_TRUE(y["benchmarks"]["disk-write"]["medians"].IsSequence());
  EXPECT_TRUE(y["hardware"]["cpu_memory_bytes"]);
#else
  EXPECT_TRUE(std::filesystem::exists(yaml));
#endif
}

// Two *-concurrent results run with `concurrency` threads and --max-bytes 3 x 4 MiB or less,
// --reps 2: sizes 1 and 4 MiB (per thread), every thread's time a sample.
// Two concurrent results of `concurrency` participants each, with `points` sizes (4x apart from
// 1 MiB: concurrency x the next one does not fit --max-bytes) of `rounds` rounds each.
static void expect_two_concurrent_results(const std::string& json_path, int concurrency, size_t points = 2,
                                          int rounds = 2) {
  std::ifstream f(json_path);
  const auto j = nlohmann::json::parse(f);
  ASSERT_EQ(j["benchmarks"].size(), 2u);
  for (const auto& b : j["benchmarks"]) {
    SCOPED_TRACE(b["name"].get<std::string>());
    EXPECT_EQ(b["status"], "ok");
    EXPECT_EQ(b["extra"]["concurrency"], concurrency);
    ASSERT_EQ(b["points"].size(), points);
    EXPECT_EQ(b["points"][1]["bytes"], 4194304.0);
    EXPECT_EQ(b["points"][1]["count"], rounds * concurrency);  // every participant of every round
    EXPECT_GT(b["points"][1]["median_s"].get<double>(), 0.0);
  }
}

// N writers at once: sizes are per writer and N copies fit in --max-bytes; every writer's
// time is a sample; the profile gives the per-writer cost with the writer count.
TEST(calibrate_cli_test, concurrent_disk_benchmarks_are_per_writer) {
  TmpDir d;
  const std::string json = d.path + "/c.json", yaml = d.path + "/c.yaml";
  // Three sizes 16x apart and three rounds each: with two rounds at 1 and 4 MiB the slowest
  // reader's medians could fall with size on a loaded machine, leaving no line to fit.
  ASSERT_EQ(run("--benchmarks disk-write-concurrent,disk-read-cold-concurrent --concurrency 3 --max-bytes 48MiB "
                "--disk-stagger-ms 1 --reps 3 --warmups 0 --dir " + d.path + " --out-json " + json + " --out-profile " + yaml + " --quiet"),
            0);
  expect_two_concurrent_results(json, 3, 3, 3);  // 1, 4 and 16 MiB
  {
    std::ifstream f(json);
    const auto j = nlohmann::json::parse(f);
    EXPECT_EQ(j["benchmarks"][0]["extra"]["stagger_ms"], 1.0);
    // The readers also record each round's slowest reader (what a recovery waits for): over the
    // same rounds, its median cannot be below the per-reader median, and it is fitted.
    const auto& rd = j["benchmarks"][1];
    ASSERT_EQ(rd["name"], "disk-read-cold-concurrent");
    for (const auto& p : rd["points"]) {
      ASSERT_TRUE(p.contains("slowest")) << p.dump();
      EXPECT_EQ(p["slowest"]["count"], 3);  // one per round
      EXPECT_GE(p["slowest"]["median_s"].get<double>(), p["median_s"].get<double>());
    }
    EXPECT_TRUE(rd.contains("fit_slowest"));
    EXPECT_FALSE(j["benchmarks"][0]["points"][0].contains("slowest"));  // writers: not recorded
    // Each writer's own median, in release (start) order: the pooled median of every writer's
    // samples lies between the smallest and the largest of them.
    for (const auto& p : j["benchmarks"][0]["points"]) {
      const auto& own = p["extra"]["writer_medians_s"];
      ASSERT_EQ(own.size(), 3u) << p.dump();
      const auto [lo, hi] = std::minmax_element(own.begin(), own.end(),
                                                [](const auto& a, const auto& b) { return a.template get<double>() < b.template get<double>(); });
      EXPECT_GT(lo->template get<double>(), 0.0);
      EXPECT_GE(p["median_s"].get<double>(), lo->template get<double>());
      EXPECT_LE(p["median_s"].get<double>(), hi->template get<double>());
    }
  }
#ifdef GEMINI_HAVE_YAML_CPP
  const YAML::Node y = YAML::LoadFile(yaml);
  if (y["hardware"]["local_disk_write_concurrent"]) {
    EXPECT_EQ(y["hardware"]["local_disk_write_concurrent"]["concurrency"].as<int>(), 3);
  }
  if (y["hardware"]["local_disk_read_concurrent"]) {
    EXPECT_GT(y["hardware"]["local_disk_read_concurrent"]["slowest_bandwidth_bytes_per_s"].as<double>(), 0.0);
  }
#endif
  EXPECT_EQ(run("--benchmarks disk-write-concurrent --concurrency 1 --quiet --out-json '' --out-profile ''"), 2);
}

// Half the writers read cold beside the other half reading and hashing memory-store images
// (a machine loss's recovery): per reader, with each round's slowest, in the profile with both
// counts; the neighbours really ran during every size. Fewer than 4 writers: an error result.
TEST(calibrate_cli_test, disk_readers_beside_memory_streamers) {
  TmpDir d;
  const std::string json = d.path + "/b.json", yaml = d.path + "/b.yaml";
  ASSERT_EQ(run("--benchmarks disk-read-cold-beside-memory --concurrency 4 --max-bytes 16MiB --reps 2 --warmups 0 "
                "--dir " + d.path + " --out-json " + json + " --out-profile " + yaml + " --quiet"),
            0);
  {
    std::ifstream f(json);
    const auto j = nlohmann::json::parse(f);
    ASSERT_EQ(j["benchmarks"].size(), 1u);
    const auto& b = j["benchmarks"][0];
    ASSERT_EQ(b["name"], "disk-read-cold-beside-memory");
    EXPECT_EQ(b["status"], "ok");
    EXPECT_EQ(b["extra"]["concurrency"], 2);
    EXPECT_EQ(b["extra"]["neighbours"], 2);
    ASSERT_EQ(b["points"].size(), 2u);  // 1 and 4 MiB: 4 x 16 MiB does not fit
    for (const auto& p : b["points"]) {
      EXPECT_EQ(p["count"], 4);  // 2 rounds x 2 readers
      EXPECT_EQ(p["slowest"]["count"], 2);
      EXPECT_GE(p["slowest"]["median_s"].get<double>(), p["median_s"].get<double>());
      // New neighbours per size; each round's start() waits for 2 passes of each of them.
      EXPECT_GE(p["extra"]["neighbour_passes"].get<uint64_t>(), 2u * 2u * 2u) << p.dump();
    }
  }
#ifdef GEMINI_HAVE_YAML_CPP
  const YAML::Node y = YAML::LoadFile(yaml);
  if (y["hardware"]["local_disk_read_beside_memory"]) {
    EXPECT_EQ(y["hardware"]["local_disk_read_beside_memory"]["concurrency"].as<int>(), 2);
    EXPECT_EQ(y["hardware"]["local_disk_read_beside_memory"]["neighbours"].as<int>(), 2);
  }
#endif
  const std::string bad = d.path + "/bad.json";
  EXPECT_EQ(run("--benchmarks disk-read-cold-beside-memory --concurrency 3 --max-bytes 12MiB --reps 1 --quiet "
                "--dir " + d.path + " --out-profile '' --out-json " + bad + " 2> /dev/null"),
            1);
  std::ifstream f(bad);
  const auto j = nlohmann::json::parse(f);
  ASSERT_EQ(j["benchmarks"].size(), 1u);
  EXPECT_EQ(j["benchmarks"][0]["status"], "error");
  EXPECT_NE(j["benchmarks"][0]["message"].get<std::string>().find("--concurrency 4"), std::string::npos);
}

// --disk-rest-ms pauses before every write run (2 sizes x 2 rounds here, no warm-ups): the run
// takes at least that long in all, and the results say how long each rest was.
TEST(calibrate_cli_test, disk_writes_rest_before_each_run) {
  TmpDir d;
  const std::string json = d.path + "/r.json";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(run("--benchmarks disk-write-concurrent --concurrency 2 --max-bytes 8MiB --disk-rest-ms 250 --reps 2 "
                "--min-reps 2 --warmups 0 --dir " + d.path + " --out-json " + json + " --out-profile '' --quiet"),
            0);
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["config"]["disk_rest_ms"], 250.0);
  const auto& b = j["benchmarks"][0];
  EXPECT_EQ(b["extra"]["rest_ms"], 250.0);
  ASSERT_EQ(b["points"].size(), 2u);
  EXPECT_GE(elapsed_s, 4 * 0.25);
  EXPECT_EQ(run("--benchmarks disk-write --disk-rest-ms -1 --quiet --out-json '' --out-profile ''"), 2);
}

// --disk-io: the disk benchmarks say how their files went (direct where the file system allows
// it, the default; buffered when asked), and the run's config records the choice.
TEST(calibrate_cli_test, disk_io_mode_is_chosen_and_recorded) {
  TmpDir d;
  for (const std::string mode : {"direct", "buffered"}) {
    SCOPED_TRACE(mode);
    const std::string json = d.path + "/" + mode + ".json";
    ASSERT_EQ(run("--benchmarks disk-write,disk-read-cold --max-bytes 4MiB --reps 2 --min-reps 2 --warmups 0 --disk-io " +
                  mode + " --dir " + d.path + " --out-json " + json + " --out-profile '' --quiet"),
              0);
    std::ifstream f(json);
    const auto j = nlohmann::json::parse(f);
    EXPECT_EQ(j["config"]["disk_io"], mode);
    for (const auto& b : j["benchmarks"]) {
      const std::string io = b["extra"]["io"];
      if (mode == "buffered") {
        EXPECT_EQ(io, "buffered") << b["name"];
      } else if (j["benchmarks"][0]["extra"]["filesystem"] == "ext2/3/4") {
        EXPECT_EQ(io, "direct") << b["name"];
      }
    }
  }
  EXPECT_EQ(run("--benchmarks disk-write --disk-io mmap --quiet --out-json '' --out-profile ''"), 2);
}

// The retrieval benchmarks read into resident memory like real/'s ranks unless told otherwise,
// and each says which; the others do not claim a landing.
TEST(calibrate_cli_test, retrieval_landing_is_chosen_and_recorded) {
  TmpDir d;
  for (const std::string landing : {"", "resident", "untouched"}) {
    SCOPED_TRACE(landing);
    const std::string json = d.path + "/l" + landing + ".json";
    ASSERT_EQ(run("--benchmarks shm-read-fresh,tcp-loopback-fresh,tcp-loopback,disk-read-cold --max-bytes 2MiB --reps 2 "
                  "--min-reps 2 --warmups 0" + (landing.empty() ? "" : " --landing " + landing) + " --dir " + d.path +
                  " --out-json " + json + " --out-profile '' --quiet"),
              0);
    std::ifstream f(json);
    const auto j = nlohmann::json::parse(f);
    const std::string expected = landing.empty() ? "resident" : landing;
    EXPECT_EQ(j["config"]["landing"], expected);
    int retrieval = 0;
    for (const auto& b : j["benchmarks"]) {
      if (b["name"] == "tcp-loopback" || b["name"] == "disk-write") {
        EXPECT_FALSE(b["extra"].contains("landing")) << b["name"];
        continue;
      }
      ++retrieval;
      EXPECT_EQ(b["extra"]["landing"], expected) << b["name"];
      EXPECT_NE(b["description"].get<std::string>().find(expected == "resident" ? "resident memory" : "not touched"),
                std::string::npos)
          << b["name"];
    }
    EXPECT_EQ(retrieval, 3);
  }
  EXPECT_EQ(run("--benchmarks shm-read-fresh --landing fresh --quiet --out-json '' --out-profile ''"), 2);
}

// Runs two concurrent benchmarks, 2 at once over 1, 4 and 16 MiB with three rounds each, checks
// their results (expect_two_concurrent_results) and puts the profile's text in `profile`. With
// two rounds at 1 and 4 MiB the medians (the slowest participant's, and the loopback transfers'
// own) can fall with size on a loaded machine, leaving no line to fit and no profile entry (as
// for the disk readers).
constexpr int kConcurrentRounds = 3;
static void run_two_concurrent(const std::string& benchmarks, const TmpDir& d, std::string* profile) {
  const std::string json = d.path + "/c.json", yaml = d.path + "/c.yaml";
  ASSERT_EQ(run("--benchmarks " + benchmarks + " --concurrency 2 --max-bytes 32MiB --reps " +
                std::to_string(kConcurrentRounds) + " --warmups 0 --out-json " + json + " --out-profile " + yaml +
                " --quiet"),
            0);
  expect_two_concurrent_results(json, 2, 3, kConcurrentRounds);  // 1, 4 and 16 MiB
  *profile = gemini::test::slurp(yaml);
}

// Each point of the concurrent benchmarks in `json_path` records the slowest participant of each
// of its `rounds` rounds, never faster than the median participant, and is fitted.
static void expect_slowest_per_round(const std::string& json_path, int rounds) {
  std::ifstream f(json_path);
  const auto j = nlohmann::json::parse(f);
  for (const auto& b : j["benchmarks"]) {
    SCOPED_TRACE(b["name"].get<std::string>());
    for (const auto& p : b["points"]) {
      ASSERT_TRUE(p.contains("slowest")) << p.dump();
      EXPECT_EQ(p["slowest"]["count"], rounds);
      EXPECT_GE(p["slowest"]["median_s"].get<double>(), p["median_s"].get<double>());
    }
    EXPECT_TRUE(b.contains("fit_slowest")) << b.dump();
  }
}

// Copies and checksums on N threads at once: per-thread samples, N copies fit in --max-bytes.
TEST(calibrate_cli_test, concurrent_host_benchmarks_are_per_thread) {
  TmpDir d;
  std::string profile;
  ASSERT_NO_FATAL_FAILURE(
      run_two_concurrent("host-memcpy-concurrent,checksum-xxh64-concurrent", d, &profile));
  expect_slowest_per_round(d.path + "/c.json", kConcurrentRounds);
  EXPECT_NE(profile.find("slowest_bandwidth_bytes_per_s: "), std::string::npos) << profile;
  EXPECT_EQ(run("--benchmarks host-memcpy-concurrent --concurrency 1 --quiet --out-json '' --out-profile ''"), 2);
}

// The progress line of a concurrent benchmark also shows its rounds' slowest participant (what
// a recovery waits for); a lone benchmark's line does not.
TEST(calibrate_cli_test, progress_shows_the_slowest_of_concurrent_rounds) {
  TmpDir d;
  const std::string log = d.path + "/progress.txt";
  ASSERT_EQ(run("--benchmarks host-memcpy,host-memcpy-concurrent --concurrency 2 --max-bytes 1MiB --reps 2 "
                "--warmups 0 --out-json '' --out-profile '' 2> " + log),
            0);
  std::ifstream f(log);
  int lone = 0, concurrent = 0;
  for (std::string line; std::getline(f, line);) {
    const bool slowest = line.find("; slowest of each round: median ") != std::string::npos;
    if (line.find("] host-memcpy 1 MiB: median ") != std::string::npos) lone += 1 + 10 * slowest;
    if (line.find("] host-memcpy-concurrent 1 MiB: median ") != std::string::npos) concurrent += 1 + 10 * !slowest;
  }
  EXPECT_EQ(lone, 1);        // one line, without the slowest
  EXPECT_EQ(concurrent, 1);  // one line, with it
}

// A memcpy sweep over 64 and 256 MiB spans glibc's regime boundary where the host's threshold
// lies between them (99 MiB on our x86-64 VMs): then the benchmark has a "two regimes" note and
// its summary line says so; else neither.
TEST(calibrate_cli_test, memcpy_sweep_across_the_regime_boundary_is_flagged) {
  TmpDir d;
  const std::string json = d.path + "/m.json", log = d.path + "/m.txt";
  ASSERT_EQ(run("--benchmarks host-memcpy --min-bytes 64MiB --max-bytes 256MiB --reps 2 --min-reps 2 --warmups 0 "
                "--out-profile '' --out-json " + json + " 2> " + log),
            0);
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  const uint64_t threshold = j["machine"]["memcpy_non_temporal_threshold_bytes"];
  if (threshold == 0) GTEST_SKIP() << "this host's glibc does not tell its threshold";
  const bool spans = threshold > (64ull << 20) && threshold <= (256ull << 20);
  const auto& notes = j["benchmarks"][0]["notes"];
  const bool noted = std::any_of(notes.begin(), notes.end(),
                                 [](const auto& n) { return n.template get<std::string>().rfind("two regimes: ", 0) == 0; });
  EXPECT_EQ(noted, spans) << notes.dump();
  const std::string text = gemini::test::slurp(log);
  EXPECT_EQ(text.find("memcpy regime boundary") != std::string::npos, spans) << text;
}

// N processes each retrieving its image from its own memory store at once (copy out of a fresh
// shm mapping, XXH64): per process, with each round's slowest (what a recovery waits for) in the
// profile; the landing it read into recorded.
TEST(calibrate_cli_test, concurrent_memory_retrievals_record_the_slowest_process) {
  TmpDir d;
  std::string text;
  ASSERT_NO_FATAL_FAILURE(
      run_two_concurrent("memory-retrieval-concurrent,shm-write-fresh-concurrent", d, &text));
  expect_slowest_per_round(d.path + "/c.json", kConcurrentRounds);
  const auto y = YAML::LoadFile(d.path + "/c.yaml");
  const auto mr = y["hardware"]["memory_retrieval_concurrent"];
  ASSERT_TRUE(mr) << text;
  EXPECT_EQ(mr["concurrency"].as<int>(), 2);
  EXPECT_GT(mr["slowest_bandwidth_bytes_per_s"].as<double>(), 0.0);
  std::ifstream f(d.path + "/c.json");
  const auto j = nlohmann::json::parse(f);
  EXPECT_EQ(j["benchmarks"][1]["name"], "memory-retrieval-concurrent");
  EXPECT_EQ(j["benchmarks"][1]["extra"]["landing"], "resident");
  // Per timed round: the most processes on one CPU at the release, how many ended elsewhere,
  // and the round's slowest process (the same one expect_slowest_per_round summarised).
  for (const auto& p : j["benchmarks"][1]["points"]) {
    const auto& x = p["extra"];
    ASSERT_EQ(x["busiest_cpu_processes"].size(), static_cast<size_t>(kConcurrentRounds)) << x.dump();
    ASSERT_EQ(x["moved_processes"].size(), static_cast<size_t>(kConcurrentRounds)) << x.dump();
    ASSERT_EQ(x["round_slowest_s"].size(), static_cast<size_t>(kConcurrentRounds)) << x.dump();
    for (const auto& b : x["busiest_cpu_processes"]) EXPECT_TRUE(b >= 1 && b <= 2) << x.dump();
    for (const auto& m : x["moved_processes"]) EXPECT_TRUE(m >= 0 && m <= 2) << x.dump();
    std::vector<double> slowest = x["round_slowest_s"];
    std::sort(slowest.begin(), slowest.end());
    EXPECT_DOUBLE_EQ(slowest[slowest.size() / 2], p["slowest"]["median_s"].get<double>()) << x.dump();
  }
  EXPECT_EQ(run("--benchmarks memory-retrieval-concurrent --concurrency 1 --quiet --out-json '' --out-profile ''"), 2);
}

// --pin-cpus measures one layout: both processes on one CPU share it in every round and none
// leaves it; a list that does not match --concurrency, or names a CPU the host lacks, is refused.
TEST(calibrate_cli_test, pinned_memory_retrievals_keep_their_layout) {
  cpu_set_t allowed;
  ASSERT_EQ(::sched_getaffinity(0, sizeof allowed, &allowed), 0);
  int cpu = 0;
  while (!CPU_ISSET(cpu, &allowed)) ++cpu;  // one this test may run on (a container may not allow CPU 0)
  const std::string both = std::to_string(cpu) + "," + std::to_string(cpu);
  TmpDir d;
  const auto j = run_for_json("--benchmarks memory-retrieval-concurrent --concurrency 2 --pin-cpus " + both +
                              " --max-bytes 32MiB --reps 3 --min-reps 3 --warmups 0", d);
  ASSERT_FALSE(j.is_null());
  const auto& b = j["benchmarks"][0];
  EXPECT_EQ(b["extra"]["pinned_cpus"], nlohmann::json::array({cpu, cpu}));
  EXPECT_EQ(j["config"]["pin_cpus"], nlohmann::json::array({cpu, cpu}));
  ASSERT_FALSE(b["points"].empty());
  for (const auto& p : b["points"]) {
    for (const auto& busiest : p["extra"]["busiest_cpu_processes"]) EXPECT_EQ(busiest, 2) << p.dump();
    for (const auto& moved : p["extra"]["moved_processes"]) EXPECT_EQ(moved, 0) << p.dump();
  }
  EXPECT_EQ(run("--benchmarks memory-retrieval-concurrent --concurrency 2 --pin-cpus 0 --quiet --out-json '' --out-profile ''"), 2);
  EXPECT_EQ(run("--benchmarks memory-retrieval-concurrent --concurrency 2 --pin-cpus 0,100000 --quiet --out-json '' "
                "--out-profile ''"),
            2);
}

// memory-retrieval-busiest: one result per layout busiest_cpu_layouts() gives for the CPUs this
// process may use, each pinned so (no process leaves its CPU, the busiest count is K in every
// round), and a profile key memory_retrieval_busiest_K for each.
TEST(calibrate_cli_test, busiest_layouts_are_each_measured_pinned) {
  TmpDir d;
  const std::string yaml = d.path + "/profile.yaml";
  const auto j = run_for_json("--benchmarks memory-retrieval-busiest --concurrency 2 --max-bytes 32MiB --reps 3 "
                              "--min-reps 3 --warmups 0", d, yaml);
  ASSERT_FALSE(j.is_null());
  const auto layouts = gemini::calibrate::busiest_cpu_layouts(2, gemini::calibrate::allowed_cpus());
  ASSERT_EQ(j["benchmarks"].size(), layouts.size());
  std::ifstream f(yaml);
  const std::string profile((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  for (size_t i = 0; i < layouts.size(); ++i) {
    const auto& b = j["benchmarks"][i];
    const int busiest = b["extra"]["pinned_busiest_cpu_processes"];
    SCOPED_TRACE(b["name"].get<std::string>());
    EXPECT_EQ(b["name"], "memory-retrieval-busiest-" + std::to_string(busiest));
    EXPECT_EQ(b["status"], "ok");
    EXPECT_EQ(b["extra"]["pinned_cpus"], nlohmann::json(layouts[i]));
    ASSERT_FALSE(b["points"].empty());
    for (const auto& p : b["points"]) {
      for (const auto& k : p["extra"]["busiest_cpu_processes"]) EXPECT_EQ(k, busiest) << p.dump();
      for (const auto& moved : p["extra"]["moved_processes"]) EXPECT_EQ(moved, 0) << p.dump();
    }
    if (!b["fit"].is_null()) {
      EXPECT_NE(profile.find("  " + gemini::profile::busiest_retrieval_field(busiest) + ": {alpha_s: "), std::string::npos);
    }
  }
}

// Loopback transfers N at once (each on its own connection) and fresh shared-memory writes by N
// processes at once: every transfer's / process's time a sample; the profile gives the cost of
// each with the count.
TEST(calibrate_cli_test, concurrent_loopback_transfers_and_shm_writers_are_per_participant) {
  TmpDir d;
  std::string text;
  ASSERT_NO_FATAL_FAILURE(run_two_concurrent("tcp-loopback-concurrent,shm-write-fresh-concurrent", d, &text));
  const auto y = YAML::LoadFile(d.path + "/c.yaml");
  for (const char* key : {"loopback_tcp_concurrent", "shm_write_fresh_concurrent"}) {
    EXPECT_NE(text.find(std::string("  ") + key + ": {alpha_s: "), std::string::npos) << text;
    ASSERT_TRUE(y["hardware"][key]) << key;
    EXPECT_EQ(y["hardware"][key]["concurrency"].as<int>(), 2) << key;
  }
  // Every round's slowest participant, in each size's extra: the rounds its slowest median is of.
  std::ifstream f(d.path + "/c.json");
  const auto j = nlohmann::json::parse(f);
  for (const auto& b : j["benchmarks"])
    for (const auto& p : b["points"]) {
      std::vector<double> slowest = p["extra"]["round_slowest_s"];
      ASSERT_EQ(slowest.size(), p["extra"]["rounds"].get<size_t>()) << p.dump();
      std::sort(slowest.begin(), slowest.end());
      const double median = slowest.size() % 2 ? slowest[slowest.size() / 2]
                                               : (slowest[slowest.size() / 2 - 1] + slowest[slowest.size() / 2]) / 2;
      EXPECT_DOUBLE_EQ(median, p["slowest"]["median_s"].get<double>()) << p.dump();
    }
}

// The model benchmarks: gemini-bench-model as a child, its points fitted (capture and restore
// against image bytes, the step against FLOPs), serialize / deserialize / model_flop_rate in the
// profile. Without the program they are skipped with the reason, not failed.

TEST(calibrate_cli_test, model_benchmarks_fit_the_trainer_measurements) {
  TmpDir d;
  const std::string json = d.path + "/m.json", yaml = d.path + "/m.yaml";
#ifdef GEMINI_BENCH_MODEL_EXE
  ASSERT_EQ(run(std::string("--benchmarks model --quick --model-threads 1 --model-device cpu --model-bench ") +
                GEMINI_BENCH_MODEL_EXE +
                " --dir " + d.path + " --out-json " + json + " --out-profile " + yaml + " --quiet"),
            0);
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  ASSERT_EQ(j["benchmarks"].size(), 3u);
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& b : j["benchmarks"]) by_name[b["name"]] = b;
  for (const char* name : {"model-capture", "model-restore", "model-iteration"}) {
    SCOPED_TRACE(name);
    const auto& b = by_name.at(name);
    EXPECT_EQ(b["status"], "ok");
    ASSERT_EQ(b["points"].size(), 2u);  // --quick: tiny and 2x128
    EXPECT_LT(b["points"][0]["bytes"].get<double>(), b["points"][1]["bytes"].get<double>());
    EXPECT_GT(b["points"][1]["median_s"].get<double>(), 0.0);
  }
  EXPECT_EQ(by_name["model-iteration"]["extra"]["x_unit"], "flop");
  EXPECT_EQ(j["config"]["model_device"], "cpu");
  EXPECT_EQ(by_name["model-iteration"]["extra"]["environment"]["device"], "cpu");  // the child's
  EXPECT_EQ(by_name["model-capture"]["points"][0]["extra"]["size"], "tiny");
  const std::string text = gemini::test::slurp(yaml);
  if (!by_name["model-iteration"]["fit"].is_null()) {
    EXPECT_NE(text.find("model_flop_rate: {alpha_s: "), std::string::npos);
  }
  if (!by_name["model-capture"]["fit"].is_null()) {
    EXPECT_NE(text.find("  serialize: {alpha_s: "), std::string::npos);
  }
  // A program that is not there is an error of that benchmark: exit 1, the others still written.
  EXPECT_EQ(run("--benchmarks model --model-bench " + d.path + "/nope --dir " + d.path + " --out-json " + json +
                " --out-profile '' --quiet 2>/dev/null"),
            1);
#else
  ASSERT_EQ(run("--benchmarks model --model-bench '' --dir " + d.path + " --out-json " + json + " --out-profile '' --quiet"), 0);
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  for (const auto& b : j["benchmarks"]) EXPECT_EQ(b["status"], "skipped") << b["name"];
#endif
}

TEST(calibrate_cli_test, subset_and_bad_arguments) {
  TmpDir d;
  const std::string json = d.path + "/m.json";
  ASSERT_EQ(run("--benchmarks host-memcpy --max-bytes 2MiB --reps 1 --warmups 0 --out-profile '' --quiet --out-json " + json), 0);
  std::ifstream f(json);
  const auto j = nlohmann::json::parse(f);
  ASSERT_EQ(j["benchmarks"].size(), 1u);
  EXPECT_EQ(j["benchmarks"][0]["name"], "host-memcpy");
  EXPECT_EQ(run("--benchmarks nonsense --quiet --out-json '' --out-profile ''"), 2);
  EXPECT_EQ(run("--max-bytes 12XB --quiet --out-json '' --out-profile ''"), 2);
}

// --also-bytes: a run's own size is measured besides the sweep, in order, by the concurrent
// benchmarks too where the participants' copies fit; a size outside every sweep is an error.
TEST(calibrate_cli_test, also_bytes_are_measured_besides_the_sweep) {
  TmpDir d;
  const auto j = run_for_json("--benchmarks host-memcpy,host-memcpy-concurrent --concurrency 2 --max-bytes 16MiB "
                              "--also-bytes 3000000,1.5MiB --reps 2 --warmups 0", d);
  ASSERT_FALSE(j.is_null());
  const auto sizes_of = [&](size_t i) {
    std::vector<double> v;
    for (const auto& p : j["benchmarks"][i]["points"]) v.push_back(p["bytes"].get<double>());
    return v;
  };
  EXPECT_EQ(sizes_of(0), (std::vector<double>{1 << 20, 1572864, 3000000, 4 << 20, 16 << 20}));
  EXPECT_EQ(sizes_of(1), (std::vector<double>{1 << 20, 1572864, 3000000, 4 << 20}));  // 2 x 16 MiB do not fit
  EXPECT_EQ(run("--benchmarks host-memcpy --max-bytes 16MiB --also-bytes 8GiB --quiet --out-json '' --out-profile ''"), 2);
  EXPECT_EQ(run("--benchmarks host-memcpy --also-bytes 12XB --quiet --out-json '' --out-profile ''"), 2);
}
