// `gemini-sim sweep SWEEP.yaml` and `gemini-sim merge DIR...` (docs/SWEEPS.md).
//
// Every (point, trial) pair is one task of the forked pool (monte_carlo.hpp); when the last
// trial of a point is in, the point's summary is written to DIR/points/pNNNNNN.json through a
// temporary file and a rename. A rerun skips points whose file is there with the same point key,
// so an interrupted sweep resumes; shards (index % n == i) may write into one folder or several.
// The CSV and JSON tables are rendered from the point files only.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "gemini/commands.hpp"
#include "gemini/monte_carlo.hpp"
#include "gemini/report.hpp"
#include "gemini/sweep.hpp"
#include "gemini/sweep_commands.hpp"
#include "gemini/trial_codec.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kGbps = 1e9 / 8;

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Like write_file_atomically, with a temporary name of its own per process: shards may share a
// folder on a network file system.
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::trunc | std::ios::binary);
    f << text;
    if (!f.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string cell(const json& v) {
  if (v.is_string()) return csv_field(v.get<std::string>());
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) {
    std::ostringstream o;
    o << std::setprecision(10) << v.get<double>();
    return o.str();
  }
  if (v.is_null()) return "";
  return csv_field(v.dump());
}

std::string duration_text(double s) {
  char buf[32];
  const long t = static_cast<long>(s + 0.5);
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  }
  return buf;
}

// done/total points, elapsed, estimated remaining (from the share of trials done this run).
class Progress {
 public:
  Progress(int points_total, int points_done, int trials_total, bool enabled)
      : total_(points_total), done_(points_done), trials_total_(trials_total), enabled_(enabled),
        tty_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {
    draw(false);
  }
  void trial_done() {
    ++trials_done_;
    draw(false);
  }
  void point_done() {
    ++done_;
    draw(true);
  }
  void finish() {
    if (enabled_ && tty_) std::fprintf(stderr, "\n");
  }

 private:
  void draw(bool point_finished) {
    if (!enabled_ || (!tty_ && !point_finished)) return;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string eta = "?";
    if (trials_done_ > 0) eta = "~" + duration_text(elapsed * (trials_total_ - trials_done_) / trials_done_);
    constexpr int kWidth = 24;
    const int filled = total_ > 0 ? kWidth * done_ / total_ : kWidth;
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    std::fprintf(stderr, "%s[%s] %d/%d points  elapsed %s  remaining %s%s", tty_ ? "\r" : "", bar.c_str(), done_,
                 total_, duration_text(elapsed).c_str(), eta.c_str(), tty_ ? "   " : "\n");
    std::fflush(stderr);
  }
  int total_, done_, trials_total_, trials_done_ = 0;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point start_;
};

json point_record(const SweepSpec& spec, const SweepPoint& p, const std::vector<StrategySummary>& summaries) {
  json axes = json::array();
  for (size_t a = 0; a < spec.axes.size(); ++a) {
    axes.push_back({{"key", spec.axes[a].key}, {"column", spec.axes[a].column}, {"value", p.labels[a]}});
  }
  const Scenario& s = p.scenario;
  return {{"sweep", spec.name},
          {"fingerprint", spec.fingerprint},
          {"points_total", spec.points.size()},
          {"point", p.index},
          {"key", p.key},
          {"axes", axes},
          {"figures",
           {{"failure_rate_per_machine_per_day", s.failures.rate_per_machine_per_s * 86400},
            {"storage_gbps", s.storage.bandwidth_bytes_per_s / kGbps},
            {"network_gbps", s.hardware.network.bandwidth_bytes_per_s / kGbps}}},
          {"result", report_json(s, summaries, s.seed)}};
}

// The record in `path` if it is a finished point of this sweep with this key.
bool finished(const fs::path& path, const SweepPoint& p) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return false;
  try {
    const json j = json::parse(slurp(path));
    return j.at("key") == p.key && j.at("point") == p.index;
  } catch (const std::exception&) {
    return false;  // unreadable: recompute
  }
}

bool parse_shard(const std::string& text, int* index, int* count) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t used = 0;
    *index = std::stoi(text.substr(0, slash), &used);
    if (used != slash) return false;
    const std::string rest = text.substr(slash + 1);
    *count = std::stoi(rest, &used);
    if (used != rest.size()) return false;
  } catch (const std::exception&) {
    return false;
  }
  return *count >= 1 && *index >= 0 && *index < *count;
}

std::vector<json> read_records(const std::vector<std::string>& dirs) {
  std::vector<json> records;
  for (const std::string& dir : dirs) {
    const fs::path points = fs::path(dir) / "points";
    std::error_code error;
    if (!fs::is_directory(points, error)) throw std::invalid_argument(dir + ": no points/ folder (not a sweep output)");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(points)) {
      const fs::path& f = entry.path();
      if (f.extension() == ".json" && f.filename().string().rfind('p', 0) == 0) files.push_back(f);
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      try {
        records.push_back(json::parse(slurp(f)));
        records.back().at("point").get<int>();
        records.back().at("fingerprint").get<std::string>();
      } catch (const std::exception& e) {
        throw std::invalid_argument(f.string() + ": not a sweep point record (" + e.what() + ")");
      }
    }
  }
  return records;
}

}  // namespace

std::string sweep_point_file(const std::string& dir, int index) {
  char name[32];
  std::snprintf(name, sizeof name, "p%06d.json", index);
  return (fs::path(dir) / "points" / name).string();
}

std::string sweep_csv(const std::vector<json>& records) {
  if (records.empty()) return "";
  std::ostringstream o;
  const json& first = records.front();
  const json& first_strategy = first.at("result").at("strategies").at(0);
  o << "point";
  for (const json& a : first.at("axes")) o << "," << csv_field(a.at("column").get<std::string>());
  o << ",scenario,machines,gpus,horizon_s,seed,failure_rate_per_machine_per_day,storage_gbps,network_gbps,"
       "strategy,trials,ettr_mean,ettr_ci_lo,ettr_ci_hi,wasted_gpu_hours_mean,wasted_gpu_hours_ci_lo,"
       "wasted_gpu_hours_ci_hi,failures_mean,failures_ci_lo,failures_ci_hi,total_gpu_hours,iteration_time_s,"
       "compute_iteration_time_s,checkpoint_time_s,checkpoint_interval_iterations,wasted_s_per_failure";
  for (const auto& c : first_strategy.at("wasted_gpu_hours_by_cause").items()) o << ",wasted_gpu_hours_" << c.key();
  for (const auto& r : first_strategy.at("recoveries_by_source").items()) o << ",recoveries_" << r.key();
  o << "\n";
  for (const json& rec : records) {
    const json& res = rec.at("result");
    const json& fig = rec.at("figures");
    for (const json& st : res.at("strategies")) {
      o << rec.at("point").get<int>();
      for (const json& a : rec.at("axes")) o << "," << cell(a.at("value"));
      o << "," << cell(res.at("scenario")) << "," << cell(res.at("machines")) << "," << cell(res.at("gpus")) << ","
        << cell(res.at("horizon_s")) << "," << cell(res.at("seed")) << ","
        << cell(fig.at("failure_rate_per_machine_per_day")) << "," << cell(fig.at("storage_gbps")) << ","
        << cell(fig.at("network_gbps")) << "," << cell(st.at("name")) << "," << cell(st.at("trials"));
      for (const char* k : {"ettr", "wasted_gpu_hours", "failures"}) {
        o << "," << cell(st.at(k).at("mean")) << "," << cell(st.at(k).at("ci95").at(0)) << ","
          << cell(st.at(k).at("ci95").at(1));
      }
      o << "," << cell(st.at("total_gpu_hours")) << "," << cell(st.at("iteration_time_s")) << ","
        << cell(st.at("compute_iteration_time_s")) << "," << cell(st.at("checkpoint_time_s")) << ","
        << cell(st.at("checkpoint_interval_iterations")) << "," << cell(st.at("wasted_s_per_failure").at("mean"));
      for (const auto& c : st.at("wasted_gpu_hours_by_cause").items()) o << "," << cell(c.value());
      for (const auto& r : st.at("recoveries_by_source").items()) o << "," << cell(r.value());
      o << "\n";
    }
  }
  return o.str();
}

json sweep_json(const std::vector<json>& records) {
  if (records.empty()) return json::object();
  json points = json::array();
  for (const json& r : records) {
    points.push_back({{"point", r.at("point")}, {"axes", r.at("axes")}, {"figures", r.at("figures")},
                      {"result", r.at("result")}});
  }
  return {{"sweep", records.front().at("sweep")},
          {"fingerprint", records.front().at("fingerprint")},
          {"points_total", records.front().at("points_total")},
          {"points", points}};
}

int sweep_command(const SweepOptions& o) {
  int shard = 0, shards = 1;
  if (!o.shard.empty() && !parse_shard(o.shard, &shard, &shards)) {
    std::cerr << "error: --shard wants i/n with 0 <= i < n, e.g. 0/4; got '" << o.shard << "'\n";
    return kExitBadInput;
  }
  SweepSpec spec;
  try {
    SweepOverrides overrides;
    overrides.trials = o.trials;
    overrides.seed_given = o.seed_given;
    overrides.seed = o.seed;
    spec = load_sweep(o.sweep_path, overrides);
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  const std::string dir = o.out_dir.empty() ? (fs::path("results") / "sweeps" / spec.name).string() : o.out_dir;
  const int total = static_cast<int>(spec.points.size());

  std::vector<int> mine, todo;
  for (int i = shard; i < total; i += shards) mine.push_back(i);
  for (int i : mine) {
    if (!finished(sweep_point_file(dir, i), spec.points[i])) todo.push_back(i);
  }
  if (o.list) {
    std::cout << "point";
    for (const SweepAxis& a : spec.axes) std::cout << "\t" << a.column;
    std::cout << "\ttrials\tseed\tstatus\n";
    for (int i : mine) {
      const SweepPoint& p = spec.points[i];
      std::cout << i;
      for (const std::string& l : p.labels) std::cout << "\t" << l;
      std::cout << "\t" << p.scenario.trials << "\t" << p.scenario.seed << "\t"
                << (std::find(todo.begin(), todo.end(), i) == todo.end() ? "done" : "to run") << "\n";
    }
    return kExitOk;
  }

  try {
    fs::create_directories(fs::path(dir) / "points");
    // Tasks: the trials of the points to run, point by point.
    std::vector<std::pair<int, int>> tasks;  // (point, trial)
    for (int i : todo) {
      for (int t = 0; t < spec.points[i].scenario.trials; ++t) tasks.emplace_back(i, t);
    }
    if (!o.quiet && todo.size() < mine.size()) {
      std::cerr << "sweep " << spec.name << ": " << mine.size() - todo.size() << " of " << mine.size()
                << " points already in " << dir << ", skipped\n";
    }
    Progress progress(static_cast<int>(mine.size()), static_cast<int>(mine.size() - todo.size()),
                      static_cast<int>(tasks.size()), !o.quiet);
    std::map<int, std::vector<TrialResult>> pending;
    run_forked(
        static_cast<int>(tasks.size()), o.jobs > 0 ? o.jobs : default_jobs(),
        [&](int k) { return trial_to_json(run_trial(spec.points[tasks[k].first].scenario, tasks[k].second)); },
        [&](int k, json& j) {
          const SweepPoint& p = spec.points[tasks[k].first];
          std::vector<TrialResult>& trials = pending[p.index];
          if (trials.empty()) trials.resize(p.scenario.trials);
          trials[tasks[k].second] = trial_from_json(j);
          progress.trial_done();
          const bool complete = std::all_of(trials.begin(), trials.end(),
                                            [](const TrialResult& t) { return !t.strategies.empty(); });
          if (!complete) return;
          const json record = point_record(spec, p, summarize(p.scenario, trials));
          write_atomically(sweep_point_file(dir, p.index), record.dump(1) + "\n");
          pending.erase(p.index);
          progress.point_done();
        },
        [&](int k) {
          return "point " + std::to_string(tasks[k].first) + " trial " + std::to_string(tasks[k].second);
        });
    progress.finish();

    // The tables, once the folder holds every point of the sweep.
    std::vector<json> records;
    for (int i = 0; i < total; ++i) {
      if (finished(sweep_point_file(dir, i), spec.points[i])) records.push_back(json::parse(slurp(sweep_point_file(dir, i))));
    }
    if (static_cast<int>(records.size()) == total) {
      write_atomically(fs::path(dir) / "sweep.csv", sweep_csv(records));
      write_atomically(fs::path(dir) / "sweep.json", sweep_json(records).dump(1) + "\n");
      std::cout << "sweep " << spec.name << ": " << total << " points x " << spec.points[0].scenario.strategies.size()
                << " strategies -> " << (fs::path(dir) / "sweep.csv").string() << ", "
                << (fs::path(dir) / "sweep.json").string() << "\n";
    } else {
      std::cout << "sweep " << spec.name << " shard " << shard << "/" << shards << ": " << mine.size()
                << " points done; " << dir << " holds " << records.size() << " of the sweep's " << total
                << " points; join the shards with: gemini-sim merge DIR... --out FILE.csv\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "\nerror: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

int merge_command(const MergeOptions& o) {
  std::vector<json> records;
  try {
    records = read_records(o.dirs);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (records.empty()) {
    std::cerr << "error: no point records in " << o.dirs.size() << " folder(s)\n";
    return kExitBadInput;
  }
  const std::string fingerprint = records.front().at("fingerprint");
  const int total = records.front().at("points_total").get<int>();
  std::map<int, json> by_point;
  for (json& r : records) {
    if (r.at("fingerprint") != fingerprint) {
      std::cerr << "error: the folders hold points of different sweeps (or of a sweep file that changed): "
                << "fingerprints " << fingerprint << " and " << r.at("fingerprint").get<std::string>() << "\n";
      return kExitBadInput;
    }
    const int i = r.at("point").get<int>();
    auto [it, inserted] = by_point.emplace(i, r);
    if (!inserted && it->second.at("key") != r.at("key")) {
      std::cerr << "error: point " << i << " appears twice with different results\n";
      return kExitBadInput;
    }
  }
  std::vector<int> missing;
  for (int i = 0; i < total; ++i) {
    if (!by_point.count(i)) missing.push_back(i);
  }
  if (!missing.empty()) {
    std::cerr << (o.allow_missing ? "warning: " : "error: ") << missing.size() << " of " << total
              << " points missing (first: " << missing.front() << ")\n";
    if (!o.allow_missing) return kExitFailure;
  }
  std::vector<json> ordered;
  for (auto& entry : by_point) ordered.push_back(std::move(entry.second));
  try {
    write_atomically(o.csv_path, sweep_csv(ordered));
    if (!o.json_path.empty()) write_atomically(o.json_path, sweep_json(ordered).dump(1) + "\n");
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailure;
  }
  std::cout << "merged " << ordered.size() << " of " << total << " points -> " << o.csv_path << "\n";
  return kExitOk;
}

}  // namespace gemini
