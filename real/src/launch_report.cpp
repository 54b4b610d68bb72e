// gemini-launch's run JSON (schema gemini-run/1, docs/REAL.md): the ranks' event logs folded
// into phases, generations, the failure timeline, the loss curve and the outcome.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "environment.hpp"
#include "launcher.hpp"
#include "phase_json.hpp"
#include "rank_worker.hpp"
#include "stats.hpp"

namespace gemini::real::launch {
namespace {

namespace fs = std::filesystem;

// Where one generation's ranks recovered from (their "recovery" events): per rank the tier,
// holder, bytes, timings, tensor checks and the sources they rejected first; overall the tier
// ("mixed" when ranks differ), ranks per tier, the iteration and the bytes retrieved.
json sources_of(const std::vector<json>& recoveries) {
  std::map<std::string, int> tiers;
  json per_rank = json::array();
  uint64_t bytes = 0;
  for (const auto& x : recoveries) {
    tiers[x["tier"].get<std::string>()] += 1;
    bytes += x["bytes"].get<uint64_t>();
    per_rank.push_back({{"rank", x["rank"]}, {"tier", x["tier"]}, {"holder", x["holder"]},
                        {"bytes", x["bytes"]}, {"fetch_s", x["fetch_s"]}, {"verify_s", x["verify_s"]},
                        {"load_s", x["load_s"]}, {"cold", x["cold"]},
                        {"direct_io", x.value("direct_io", false)},
                        {"retrieval_s", x["t_fetched"].get<double>() - x["t_agreed"].get<double>()},
                        {"tensors", x["tensors"]}, {"tensors_equal", x["tensors_equal"]},
                        {"checkpoint_checksum", x["checkpoint_checksum"]},
                        {"restored_checksum", x["restored_checksum"]},
                        {"rejected", x.value("rejected", json::array())},
                        {"cpu_at_agreed", x.value("cpu_at_agreed", -1)},
                        {"cpu_at_fetched", x.value("cpu_at_fetched", -1)},
                        {"retrieval_preemptions", x.value("retrieval_preemptions", 0L)},
                        {"retrieval_waits", x.value("retrieval_waits", 0L)}});
  }
  return {{"source_tier", tiers.size() == 1 ? tiers.begin()->first : "mixed"},
          {"source_tiers", tiers},
          {"resumed_iteration", recoveries.front()["iteration"].get<uint64_t>()},
          {"retrieval_bytes", bytes},
          {"ranks", per_rank}};
}

}  // namespace

json Launcher::report(bool completed, int generations) {
  // Read every rank's events.
  std::vector<json> events;
  for (int r = 0; r < l_.ranks; ++r) {
    std::ifstream in(o_.run_dir + "/rank" + std::to_string(r) + ".events.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      try {
        events.push_back(json::parse(line));
      } catch (const std::exception&) {
        // a line cut by SIGKILL mid-write (write() of one line is not atomic on every fs)
      }
    }
  }
  std::map<std::string, std::vector<double>> phase;
  std::map<int, std::vector<json>> recoveries;  // by generation
  json model = json::object(), loss = json::array(), finals = json::array();
  json refusals = json::array();  // replica requests a holder refused (bad token, size, image)
  // Every disk save with its start: ranks that save at once share the disk, and how much their
  // writes overlap decides what each pays (docs/VALIDATION.md "Disk saves").
  json disk_saves = json::array();
  std::map<int, double> first_iter_t;  // per generation: earliest iteration event time
  double last_done_t = 0;               // the last rank's end of training (its "done" event)
  double step_sum = 0, stall_sum = 0;
  int64_t steps = 0;
  std::set<std::pair<int, int>> seen_first;  // (gen, rank) whose first step was skipped
  std::set<std::string> gpus_used;            // the CUDA devices the ranks trained on
  for (const auto& e : events) {
    const std::string k = e.value("e", "");
    const int gen = e.value("gen", 0);
    const int rank = e.value("rank", 0);
    if (k == "iter") {
      step_sum += e["step_s"].get<double>();
      ++steps;
      if (seen_first.insert({gen, rank}).second) {
        phase["first_iteration_s"].push_back(e["step_s"]);
      } else {
        phase["iteration_s"].push_back(e["step_s"]);
      }
      if (e.contains("allreduce_s")) phase["allreduce_s"].push_back(e["allreduce_s"]);
      if (rank == 0) loss.push_back({{"generation", gen}, {"iteration", e["iteration"]}, {"loss", e["loss"]}});
      auto it = first_iter_t.find(gen);
      if (it == first_iter_t.end() || e["t"].get<double>() < it->second) first_iter_t[gen] = e["t"];
    } else if (k == "save") {
      stall_sum += e["stall_s"].get<double>();
      phase["save_stall_s"].push_back(e["stall_s"]);
      // Where saves go to memory and only some also to disk, the two kinds stall for very
      // different times: a median over both sits between them, so each kind has its own.
      if (o_.strategy != "disk") {
        phase[e["disk"].get<bool>() ? "save_stall_with_disk_s" : "save_stall_memory_only_s"].push_back(e["stall_s"]);
      }
      phase["snapshot_copy_s"].push_back(e["snapshot_copy_s"]);
      phase["snapshot_checksum_s"].push_back(e["snapshot_checksum_s"]);
      if (e["memory"].get<bool>()) {
        phase["save_memory_s"].push_back(e["memory_s"]);
        // Into a slot the process had not touched, the copy also faults its pages in: several
        // times slower, so each kind has its own phase (absent from logs before 2026-12-08).
        if (e.contains("memory_untouched_slot")) {
          phase[e["memory_untouched_slot"].get<bool>() ? "save_memory_untouched_slot_s" : "save_memory_touched_slot_s"]
              .push_back(e["memory_s"]);
        }
      }
      if (e["disk"].get<bool>()) {
        phase["save_disk_s"].push_back(e["disk_s"]);
        phase["save_disk_fsync_s"].push_back(e["disk_fsync_s"]);
        // "t" is logged as the stall ends, which the disk save ends (or an in-line replication
        // after it).
        const double end_t = e["t"].get<double>() - e.value("in_line_replication_s", 0.0);
        disk_saves.push_back({{"generation", gen}, {"rank", rank}, {"iteration", e["iteration"]},
                              {"start_s", end_t - e["disk_s"].get<double>() - t0_},
                              {"seconds", e["disk_s"]}, {"bytes", e["bytes"]}});
      }
      if (o_.strategy == "gemini") phase["replication_wait_s"].push_back(e["replication_wait_s"]);
    } else if (k == "replica_refused") {
      refusals.push_back({{"generation", gen}, {"rank", rank}, {"why", e["why"]}});
    } else if (k == "replicate") {
      phase["replicate_put_s"].push_back(e["seconds"]);
    } else if (k == "replicated") {
      phase["replication_background_s"].push_back(e["seconds"]);
    } else if (k == "recovery") {
      recoveries[gen].push_back(e);
    } else if (k == "model") {
      const std::string device = e.value("device", "");
      if (device.rfind("cuda", 0) == 0) gpus_used.insert(device);
      if (model.empty()) {
        model = e;
        model.erase("e");
        model.erase("t");
        model.erase("gen");
        model.erase("rank");
      }
    } else if (k == "done") {
      finals.push_back({{"rank", rank}, {"iteration", e["iteration"]}, {"checksum", e["checksum"]}});
      last_done_t = std::max(last_done_t, e["t"].get<double>());
      if (e.contains("replica_service")) {
        for (const auto& s : e["replica_service"]["put_receive_s"]) phase["replica_receive_s"].push_back(s);
      }
    }
  }
  // Start-up of each generation (spawn to group ready), and the failures.
  auto max_of = [](const std::vector<json>& v, const std::function<double(const json&)>& f) {
    double m = 0;
    for (const auto& x : v) m = std::max(m, f(x));
    return m;
  };
  json generations_json = json::array();
  for (int gen = 0; gen < generations && gen < static_cast<int>(spawn_times_.size()); ++gen) {
    const auto& rv = recoveries[gen];
    if (static_cast<int>(rv.size()) != l_.ranks) continue;
    const double spawn = spawn_times_[gen];
    generations_json.push_back({{"generation", gen}, {"start_s", spawn - t0_},
                                {"restart_s", max_of(rv, [&](const json& x) { return x["t_group"].get<double>(); }) - spawn}});
  }
  // Planned failures that never came due (e.g. a :recover one with no restart after its iteration).
  json unfired = json::array();
  for (const auto& f : schedule_) {
    if (!f.fired) unfired.push_back(f.spec());
  }
  json timeline = json::array();
  for (const auto& f : failures_) {
    json t = {{"time_s", f.t_kill - t0_}, {"generation", f.generation}, {"kind", f.kind}, {"target", f.targets.empty() ? -1 : f.targets.front()}, {"targets", f.targets},
              {"ranks_killed", f.killed}, {"planned_iteration", f.planned_iteration},
              {"during_save", f.phase == "save"}, {"during", f.phase}, {"iteration", f.progress}, {"detected_as", f.detected_as},
              {"detection_s", f.t_detect - f.t_kill}, {"teardown_s", f.t_torn - f.t_detect}};
    const int next = f.generation + 1;
    const auto& rv = recoveries[next];
    if (next < static_cast<int>(spawn_times_.size()) && static_cast<int>(rv.size()) == l_.ranks) {
      const double spawn = spawn_times_[next];
      const double group = max_of(rv, [](const json& x) { return x["t_group"].get<double>(); });
      const double ready = max_of(rv, [](const json& x) { return x["t_ready"].get<double>(); });
      const json where = sources_of(rv);
      const std::string source = where["source_tier"];
      const uint64_t resumed = where["resumed_iteration"];
      t.update(where);
      t["lost_iterations"] = f.progress - static_cast<int64_t>(resumed);
      t["restart_s"] = group - spawn;
      t["agree_s"] = max_of(rv, [](const json& x) { return x["t_agreed"].get<double>() - x["t_group"].get<double>(); });
      t["retrieval_s"] = max_of(rv, [](const json& x) { return x["t_fetched"].get<double>() - x["t_agreed"].get<double>(); });
      t["load_s"] = max_of(rv, [](const json& x) { return x["load_s"].get<double>(); });
      t["recovery_s"] = ready - f.t_kill;
      t["first_iteration_after_s"] = first_iter_t.count(next) ? first_iter_t[next] - f.t_kill : 0.0;
      for (const char* p : {"detection_s", "teardown_s", "restart_s", "agree_s", "retrieval_s", "load_s", "recovery_s"}) {
        phase[std::string("recovery_") + p].push_back(t[p]);
      }
      phase["recovery_retrieval_" + source + "_s"].push_back(t["retrieval_s"]);
      phase["lost_iterations"].push_back(t["lost_iterations"].get<double>());
    } else if (next < static_cast<int>(spawn_times_.size())) {
      t["recovery_interrupted"] = true;  // the next generation failed before every rank recovered
    }
    timeline.push_back(t);
  }
  // --resume: what generation 0 found in the stores an earlier launch left.
  json resumed_start = nullptr;
  if (l_.resume && static_cast<int>(recoveries[0].size()) == l_.ranks) resumed_start = sources_of(recoveries[0]);
  json phases = json::object();
  for (const auto& [name, v] : phase) phases[name] = phase_json<json>(v);
  const double iteration_s = summarize(phase["iteration_s"]).median_s;
  const double wall_s = monotonic_s() - t0_;
  // Training ended when the last rank logged "done"; the rest is the processes' exit (LibTorch
  // and Gloo teardown) and the launcher reaping them: nothing a benchmark predicts.
  const double training_end_s = last_done_t > 0 ? last_done_t - t0_ : wall_s;
  json out = {
      {"schema", "gemini-run/1"},
      {"config",
       {{"preset", o_.preset}, {"device", o_.device}, {"ranks", l_.ranks}, {"machines", o_.machines},
        {"ranks_per_machine", l_.ranks / o_.machines}, {"strategy", o_.strategy}, {"interval", o_.interval},
        {"persistent_interval", o_.persistent_interval}, {"replicas", o_.replicas},
        {"placement", o_.placement}, {"iterations", o_.iterations}, {"seed", o_.seed},
        {"threads", o_.threads}, {"job", o_.job}, {"dir", o_.dir}, {"disk_io", o_.disk_io}, {"shm_dir", o_.shm_dir},
        {"bind", o_.bind}, {"collective", o_.collective},
        {"replication_transport", o_.replication_transport}, {"replication_mode", o_.replication_mode},
        {"max_restarts", l_.max_restarts}, {"fail", l_.fail},
        {"fail_random", l_.fail_random}, {"fail_seed", l_.fail_seed},
        {"debug_save_pause_ms", o_.debug_save_pause_ms}}},
      {"environment",
       {{"host", host_name()}, {"kernel", kernel_release()}, {"cpu_model", cpu_model()},
        {"cpu_count", cpu_count()}, {"world_size", l_.ranks},
        {"libtorch_version", model.value("torch", "")}, {"backend", model.value("backend", "")},
        {"gpu_name", model.value("gpu", "")}, {"gpus_used", gpus_used.size()},
        {"dir_filesystem", fs::exists(o_.dir) ? filesystem_type(o_.dir) : ""},
        {"shm_filesystem", filesystem_type(o_.shm_dir.empty() ? "/dev/shm" : o_.shm_dir)}}},
      {"model", model},
      {"checkpoint_bytes_per_rank", model.value("image_bytes", uint64_t{0})},
      {"replication_bytes_per_checkpoint_per_rank",
       o_.strategy == "gemini" ? model.value("image_bytes", uint64_t{0}) * static_cast<uint64_t>(o_.replicas - 1) : 0},
      {"iteration",
       {{"step_median_s", iteration_s},
        {"effective_s", steps > 0 ? (step_sum + stall_sum) / static_cast<double>(steps) : 0.0},
        {"stall_per_iteration_s", steps > 0 ? stall_sum / static_cast<double>(steps) : 0.0},
        {"steps", steps}}},
      {"phases", phases},
      {"generations", generations_json},
      {"timeline", timeline},
      {"loss", loss},
      {"final", finals},
      {"replica_refusals", refusals},
      {"disk_saves", disk_saves},
      {"resumed_start", resumed_start},
      {"outcome", {{"completed", completed}, {"generations", generations},
                   {"failures_not_fired", unfired}, {"gave_up", gave_up_},
                   {"restarts", generations - 1}, {"interrupted_by_signal", interrupted_},
                   {"wall_s", wall_s}, {"training_end_s", training_end_s},
                   {"shutdown_s", wall_s - training_end_s}}}};
  return out;
}

}  // namespace gemini::real::launch
