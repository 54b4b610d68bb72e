// What a calibration run produced: per-benchmark, per-size statistics, fits, and the machine.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gemini/calibrate/fit.hpp"
#include "gemini/calibrate/timing.hpp"

namespace gemini::calibrate {

struct SizePoint {
  double bytes = 0;
  Stats stats;                 // the benchmark's primary timer
  std::optional<Stats> wall;   // wall clock too, when the primary timer is another (CUDA events)
  nlohmann::json extra = nlohmann::json::object();  // per-size details (cache residency, ...)
  // Concurrent benchmarks: each round's slowest participant (what a recovery, which waits for
  // all its ranks, meets), where the benchmark records it.
  std::optional<Stats> slowest;
};

struct BenchmarkResult {
  std::string name;         // "disk-write", "gpu-d2h-pinned", ...
  std::string description;  // one line: what is timed, from where to where
  std::string timer = "wall clock (steady_clock)";
  std::string status = "ok";  // "ok", "skipped" or "error"
  std::string message;        // why it was skipped or failed
  std::vector<SizePoint> points;
  std::optional<LinearCostFit> fit;       // on the primary medians
  std::optional<LinearCostFit> fit_wall;  // on the wall-clock medians, when there are any
  std::optional<LinearCostFit> fit_slowest;  // on the slowest participants' medians, when recorded
  std::string fit_error;                  // why `fit` is missing
  std::vector<std::string> notes;
  nlohmann::json extra = nlohmann::json::object();

  static BenchmarkResult skipped(std::string name, std::string description, std::string why);
};

// Fits cost(bytes) to the medians of `result.points` (and of their wall stats); a fit that
// cannot be made leaves `fit` empty and says why in `fit_error`.
void fit_medians(BenchmarkResult& result, FitWeighting weighting = FitWeighting::relative);

struct GpuInfo {
  int index = 0;
  std::string name;
  double memory_bytes = 0;
  std::string compute_capability;  // "9.0"
  int multiprocessors = 0;
  std::string pci_bus_id;          // "0000:3b:00.0"
  std::string pcie_link;           // "32.0 GT/s PCIe x16" from sysfs, or "unknown"
};

struct MachineInfo {
  std::string hostname;
  std::string cpu_model;  // "model name" of /proc/cpuinfo
  int logical_cpus = 0;
  double memory_bytes = 0;
  std::string kernel;     // uname -sr
  std::vector<GpuInfo> gpus;
  std::string cuda_driver_version;   // "13.0", empty when none
  std::string cuda_runtime_version;
  std::string nccl_version;
  std::string gpu_status;            // "ok", or why there are no GPU measurements
  // From this size up glibc's memcpy uses non-temporal stores (glibc_tunables.hpp); 0: unknown.
  uint64_t memcpy_non_temporal_threshold_bytes = 0;
};

// The host part of MachineInfo (no GPU fields).
MachineInfo describe_host();

struct CalibrationRun {
  std::string tool_version;
  std::string date_utc;      // ISO 8601
  std::string command_line;  // shell-quoted argv
  MachineInfo machine;
  nlohmann::json config = nlohmann::json::object();
  std::vector<BenchmarkResult> benchmarks;

  const BenchmarkResult* find(const std::string& name) const;
};

nlohmann::json to_json(const Stats& stats);
nlohmann::json to_json(const LinearCostFit& fit);
nlohmann::json to_json(const BenchmarkResult& result);
nlohmann::json to_json(const CalibrationRun& run);

// "2026-11-27T10:00:00Z"
std::string utc_now_iso8601();
// argv joined with POSIX shell quoting where needed.
std::string shell_join(int argc, const char* const* argv);

}  // namespace gemini::calibrate
