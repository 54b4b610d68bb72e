// gemini-sim compare: measured real/ runs vs the calibrated model and the SimGrid engine.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gemini/commands.hpp"
#include "gemini/compare.hpp"
#include "gemini/monte_carlo.hpp"
#include "gemini/scenario.hpp"

namespace gemini {
namespace {

using json = nlohmann::json;
using namespace gemini::compare;

std::string fmt(double x, int digits = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  return buf;
}

json spread_json(const Spread& s) {
  return {{"median_s", s.median_s}, {"p10_s", s.p10_s}, {"p90_s", s.p90_s}, {"count", s.count}};
}

json engine_inputs_json(const EnginePlanInputs& e) {
  return {{"save_stall_s", e.save_stall_s},
          {"persistent_stall_s", e.persistent_stall_s},
          {"replication_s", e.replication_s},
          {"detection_s", e.detection_s},
          {"warmup_s", e.warmup_s},
          {"step_s", e.step_s},
          {"train_start_s", e.train_start_s},
          {"failure_at_s", e.failure_at_s},
          {"memory_restore", {{"alpha_s", e.memory_restore_alpha_s}, {"bytes_per_s", e.memory_restore_bytes_per_s}}},
          {"peer", {{"alpha_s", e.peer_alpha_s}, {"bytes_per_s", e.peer_bytes_per_s}}},
          {"disk_read", {{"alpha_s", e.disk_read_alpha_s}, {"bytes_per_s", e.disk_read_bytes_per_s}}}};
}

void print_run(const MeasuredRun& run, const RunComparison& c, double tolerance, double min_phase_s) {
  std::printf("\n== %s  (%s, %d ranks in %d machines, %s CPUs=%d, image %.0f B, interval %lld, %zu failures)\n",
              c.label.c_str(), run.path.c_str(), run.ranks, run.machines, run.cpu_model.c_str(), run.cpu_count,
              run.image_bytes, static_cast<long long>(run.interval), run.failures.size());
  std::printf("%-34s %-11s %10s %21s %10s %8s  %s\n", "phase", "method", "measured", "(p10-p90, n)", "predicted",
              "error", "");
  for (const PhaseRow& r : c.rows) {
    std::string m = r.has_measured ? fmt(r.measured.median_s) : "-";
    std::string spread = r.has_measured ? "(" + fmt(r.measured.p10_s) + "-" + fmt(r.measured.p90_s) + ", " +
                                              std::to_string(r.measured.count) + ")"
                                        : "";
    std::string err = r.method == "input" ? "input" : (r.has_measured ? fmt(100 * r.rel_error, 1) + "%" : "-");
    std::string flag = !r.checked ? "" : (std::fabs(r.rel_error) <= tolerance ? "ok" : "OUT");
    if (r.method != "input" && !r.checked && r.has_measured) {
      flag = r.measured.median_s > min_phase_s ? "(mixture, unchecked)" : "(<= min, unchecked)";
    }
    std::printf("%-34s %-11s %10s %21s %10s %8s  %s\n", r.phase.c_str(), r.method.c_str(), m.c_str(), spread.c_str(),
                r.method == "input" ? "-" : fmt(r.predicted_s).c_str(), err.c_str(), flag.c_str());
  }
  for (const auto& n : c.notes) std::printf("  note: %s\n", n.c_str());
}

// --medians must come from the calibration that wrote the profile, or the two disagree silently.
CalibrationMedians load_same_calibration(const std::string& path, const HostCosts& profile) {
  CalibrationMedians m = load_calibration_medians(path);
  if (!m.date_utc.empty() && !profile.date_utc.empty() && m.date_utc != profile.date_utc) {
    throw RunFileError(path + ": calibrated at " + m.date_utc + ", but " + profile.path + " at " + profile.date_utc +
                       ": give the JSON written with that profile (gemini-calibrate --out-json)");
  }
  return m;
}

std::string medians_note(const std::vector<std::string>& benchmarks, double bytes) {
  if (benchmarks.empty()) return "no usable medians: every cost from the profile's fits";
  std::string s = "costs at " + fmt(bytes / 1e6, 1) + " MB from the calibration's medians (secant) of:";
  for (const auto& b : benchmarks) s += " " + b;
  return s;
}

std::string cost_source(const CompareOptions& o) {
  if (o.medians_path.empty()) return "the profile's fitted lines alpha + bytes/beta";
  return "the medians in " + o.medians_path + " at each run's image size (line through the two measured sizes "
         "around it), the fits where a benchmark has none";
}

// A run whose images are copied below the calibrating host's memcpy regime boundary may be
// predicted short in its copies by lines fitted up to larger copies (docs/CALIBRATION.md "The
// fit"): said once per CPU run (a GPU run's snapshot copy is device-to-host), with what reads the
// calibration at its size instead. The profile does not say how far its sweeps reached, hence
// "may".
std::optional<std::string> memcpy_regime_note(const HostCosts& k, const MeasuredRun& run) {
  const auto threshold = static_cast<double>(k.memcpy_non_temporal_threshold_bytes);
  if (threshold <= 0 || runs_on_gpu(run) || run.image_bytes >= threshold) return std::nullopt;
  return "images of " + fmt(run.image_bytes / 1e6, 1) + " MB are copied below glibc's non-temporal-store threshold (" +
         fmt(threshold / 1e6, 1) + " MB on the calibrating host), where memcpy costs more per byte than above it; "
         "where the calibration's memcpy sweeps reached past it, their lines lean toward the larger copies and may "
         "predict these copies short (--medians CALIBRATION.json reads the calibration at this size)";
}

// With more ranks than CPUs a process failure's own-memory retrievals came in two kinds on the
// Xeon VM: those that began with more ranks on one CPU than an even spread were the slow ones,
// and memory-retrieval-concurrent gives one figure for both (docs/VALIDATION.md "Own-memory
// retrievals"); memory-retrieval-busiest measures each layout. A run that records its ranks'
// CPUs says how many of its retrievals began so. Not said where every crowded retrieval took
// at most `min_phase_s` (e.g. the tiny preset's): no checked row depends on it.
std::optional<std::string> crowded_cpu_note(const MeasuredRun& run, bool profile_has_layouts, bool charge_layouts,
                                            double min_phase_s) {
  if (run.cpu_count <= 0 || run.ranks <= run.cpu_count) return std::nullopt;
  const int even = (run.ranks + run.cpu_count - 1) / run.cpu_count;
  int recorded = 0, crowded = 0, most = 0;
  double slowest_crowded_s = 0;
  for (const MeasuredFailure& f : run.failures) {
    if (!f.recovered || f.kind != "process" || f.source_tier != "memory" || f.busiest_cpu_ranks == 0) continue;
    ++recorded;
    if (f.busiest_cpu_ranks > even) {
      ++crowded;
      slowest_crowded_s = std::max(slowest_crowded_s, f.retrieval_s);
    }
    most = std::max(most, f.busiest_cpu_ranks);
  }
  if (crowded == 0 || slowest_crowded_s <= min_phase_s) return std::nullopt;
  return std::to_string(crowded) + " of " + std::to_string(recorded) +
         " own-memory retrievals began with more ranks on one CPU than an even spread (at most " + std::to_string(most) +
         " of " + std::to_string(run.ranks) + " ranks on " + std::to_string(run.cpu_count) + " CPUs, evenly " +
         std::to_string(even) + " each); such retrievals were the slow ones where this was measured, " +
         (!profile_has_layouts ? "which memory-retrieval-concurrent's one figure does not tell apart; this profile "
                                 "lacks memory-retrieval-busiest, which measures each layout"
          : charge_layouts     ? "charged at memory-retrieval-busiest's cost for their layout where it was measured "
                                 "with as many ranks (the retrieval row's note says in how many recoveries)"
                               : "which memory-retrieval-concurrent's one figure does not tell apart; --charge-layouts "
                                 "charges each at memory-retrieval-busiest's figure for its layout") +
         " (docs/VALIDATION.md \"Own-memory retrievals by layout\")";
}

// A profile calibrated on another machine than the run's predicts that machine's costs. Told
// by what both record: CPU model, CPU count, kernel (the host name is left out: a cluster's
// nodes differ in name, not in kind). The kernel build also tells apart VMs that report one
// CPU model from different hardware (docs/VALIDATION.md "A faster host under the same name").
std::optional<std::string> other_machine_note(const HostCosts& k, const MeasuredRun& run) {
  const auto without_os = [](std::string s) { return s.rfind("Linux ", 0) == 0 ? s.substr(6) : s; };
  std::vector<std::string> differences;
  const auto differ = [&](const std::string& what, const std::string& profile, const std::string& ran) {
    if (!profile.empty() && !ran.empty() && profile != ran) differences.push_back(what + " " + profile + " there, " + ran + " here");
  };
  differ("CPU", k.cpu_model, run.cpu_model);
  if (k.logical_cpus > 0 && run.cpu_count > 0)
    differ("CPUs", std::to_string(k.logical_cpus), std::to_string(run.cpu_count));
  differ("kernel", without_os(k.kernel), without_os(run.kernel));
  if (differences.empty()) return std::nullopt;
  std::string list;
  for (const std::string& d : differences) list += (list.empty() ? "" : "; ") + d;
  return "the profile was calibrated on another machine than this run's (" + list +
         "): its costs are that machine's; calibrate where the runs ran to compare like with like";
}

// Runs of one preset and strategy (e.g. two checkpoint intervals) are told apart by their file.
void disambiguate_labels(std::vector<RunComparison>& comparisons) {
  std::map<std::string, int> uses;
  for (const auto& c : comparisons) ++uses[c.label];
  for (auto& c : comparisons)
    if (uses[c.label] > 1) c.label += " (" + std::filesystem::path(c.path).stem().string() + ")";
}

}  // namespace

int compare_command(const CompareOptions& o) {
  HostCosts costs;
  bool profile_has_layouts = false;
  std::optional<CalibrationMedians> medians;
  std::vector<MeasuredRun> runs;
  try {
    costs = load_host_costs(o.profile_path);
    profile_has_layouts = !costs.memory_retrieval_busiest.empty();
    if (!o.charge_layouts) costs.memory_retrieval_busiest.clear();
    if (!o.medians_path.empty()) medians = load_same_calibration(o.medians_path, costs);
    for (const auto& p : o.runs) runs.push_back(load_measured_run(p));
  } catch (const ConfigError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const RunFileError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (runs.empty()) {
    std::cerr << "error: no measurement file given\n";
    return kExitBadInput;
  }
  for (const MeasuredRun& run : runs) {
    if (runs_on_gpu(run) && !costs.has_gpu) {
      std::cerr << "error: " << run.path << " ran on " << run.device << " but " << o.profile_path
                << " has no GPU copy costs (gpu_to_cpu, cpu_to_gpu): use a profile calibrated on that GPU\n";
      return kExitBadInput;
    }
  }
  std::vector<RunComparison> comparisons(runs.size());
  std::vector<EnginePlanInputs> inputs(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    std::vector<std::string> from_medians;
    const HostCosts run_costs = medians ? costs_at_size(costs, *medians, runs[i].image_bytes, &from_medians) : costs;
    comparisons[i] = predict_closed_form(runs[i], run_costs, o.min_phase_s, &inputs[i], o.disk_overlap);
    if (medians) {
      comparisons[i].notes.push_back(medians_note(from_medians, runs[i].image_bytes));
    } else if (auto note = memcpy_regime_note(costs, runs[i])) {
      comparisons[i].notes.push_back(*note);
    }
    if (auto note = other_machine_note(costs, runs[i])) comparisons[i].notes.push_back(*note);
    if (auto note = crowded_cpu_note(runs[i], profile_has_layouts, o.charge_layouts, o.min_phase_s)) comparisons[i].notes.push_back(*note);
  }
  disambiguate_labels(comparisons);
  if (!o.no_engine) {
    // SimGrid runs one simulation per process: one forked child per run.
    std::vector<EngineOutcome> outcomes(runs.size());
    try {
      run_forked(
          static_cast<int>(runs.size()), o.jobs > 0 ? o.jobs : default_jobs(),
          [&](int i) {
            const EngineOutcome e = simulate_run(runs[i], inputs[i]);
            return json{{"ok", e.ok},
                        {"time_to_end_s", e.time_to_end_s},
                        {"train_start_s", e.train_start_s},
                        {"recovery_total_s", e.recovery_total_s},
                        {"retrieval_total_s", e.retrieval_total_s},
                        {"lost_progress_s", e.lost_progress_s},
                        {"stall_total_s", e.stall_total_s},
                        {"failures", e.failures},
                        {"sources", e.sources}};
          },
          [&](int i, json& j) {
            EngineOutcome& e = outcomes[static_cast<size_t>(i)];
            e.ok = j.at("ok").get<bool>();
            e.time_to_end_s = j.at("time_to_end_s").get<double>();
            e.train_start_s = j.at("train_start_s").get<double>();
            e.recovery_total_s = j.at("recovery_total_s").get<double>();
            e.retrieval_total_s = j.at("retrieval_total_s").get<double>();
            e.lost_progress_s = j.at("lost_progress_s").get<double>();
            e.stall_total_s = j.at("stall_total_s").get<double>();
            e.failures = j.at("failures").get<int64_t>();
            e.sources = j.at("sources").get<std::vector<std::string>>();
          },
          [&](int i) { return "engine run for " + runs[static_cast<size_t>(i)].path; });
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitFailure;
    }
    for (size_t i = 0; i < runs.size(); ++i) add_engine_rows(runs[i], outcomes[i], o.min_phase_s, &comparisons[i]);
  }

  std::printf("gemini-sim compare: profile %s (%s)\n", costs.path.c_str(), costs.source.c_str());
  std::printf("costs: %s\n", cost_source(o).c_str());
  std::printf("disk saves whose ranks started apart: %s (%s)\n", disk_overlap_name(o.disk_overlap),
              disk_overlap_description(o.disk_overlap));
  std::printf("methods: closed-form = profile costs through real/'s save/load path; engine = SimGrid trial "
              "replaying the failures;\n         input = measured value used as is (not predicted, not checked). "
              "Checked: non-input phases with measured median > %.3f s, tolerance %.0f%%.\n",
              o.min_phase_s, 100 * o.tolerance);
  int checked = 0, outside = 0;
  json out_runs = json::array();
  for (size_t i = 0; i < runs.size(); ++i) {
    print_run(runs[i], comparisons[i], o.tolerance, o.min_phase_s);
    json rows = json::array();
    for (const PhaseRow& r : comparisons[i].rows) {
      const bool within = std::fabs(r.rel_error) <= o.tolerance;
      if (r.checked) {
        ++checked;
        outside += !within;
      }
      json j = {{"phase", r.phase}, {"method", r.method}, {"predicted_s", r.method == "input" ? json(nullptr) : json(r.predicted_s)},
                {"predicted_p10_s", r.predicted_p10_s}, {"predicted_p90_s", r.predicted_p90_s},
                {"rel_error", r.method == "input" || !r.has_measured ? json(nullptr) : json(r.rel_error)},
                {"checked", r.checked}, {"within_tolerance", r.checked ? json(within) : json(nullptr)},
                {"note", r.note}};
      j["measured"] = r.has_measured ? spread_json(r.measured) : json(nullptr);
      rows.push_back(j);
    }
    const MeasuredRun& m = runs[i];
    out_runs.push_back({{"file", m.path},
                        {"label", comparisons[i].label},
                        {"preset", m.preset},
                        {"strategy", m.strategy},
                        {"ranks", m.ranks},
                        {"machines", m.machines},
                        {"cpu_count", m.cpu_count},
                        {"cpu_model", m.cpu_model},
                        {"host", m.host},
                        {"kernel", m.kernel},
                        {"image_bytes", m.image_bytes},
                        {"phases", rows},
                        {"engine_inputs", engine_inputs_json(inputs[i])},
                        {"notes", comparisons[i].notes}});
  }
  std::printf("\n%d checked phases, %d outside +-%.0f%%\n", checked, outside, 100 * o.tolerance);
  if (!o.json_path.empty()) {
    const json doc = {{"schema", "gemini-compare/1"},
                      {"profile", {{"path", costs.path}, {"name", costs.name}, {"source", costs.source}}},
                      {"costs", medians ? json{{"from", "medians"}, {"path", o.medians_path}} : json{{"from", "fit"}}},
                      {"disk_overlap", disk_overlap_name(o.disk_overlap)},
                      {"tolerance", o.tolerance},
                      {"min_phase_s", o.min_phase_s},
                      {"engine", !o.no_engine},
                      {"checked", checked},
                      {"outside", outside},
                      {"runs", out_runs}};
    try {
      write_file_atomically(o.json_path, doc.dump(2) + "\n");
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << "\n";
      return kExitFailure;
    }
  }
  return outside > 0 ? kExitFailure : kExitOk;
}

}  // namespace gemini
