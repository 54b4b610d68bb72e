// Calibrated hardware profiles (written by gemini-calibrate) applied to a scenario's hardware.
#include "gemini/hardware_profile_file.hpp"

#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "gemini/profile_fields.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini {

CalibratedProfile open_calibrated_profile(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  // Only the keys the simulator uses are read; the rest of the file (raw medians, machine
  // description) is documentation and passes through.
  MapReader file(root, path, "",
                 {"profile_format", "name", "source", "tool", "tool_version", "date_utc", "command", "machine",
                  "hardware", "benchmarks"});
  file.require({"profile_format", "source", "hardware"});
  int format = 0;
  file.read_int("profile_format", &format);
  if (format != 1) file.fail("profile_format", "unsupported profile_format " + std::to_string(format) + " (this gemini-sim reads 1)");
  std::vector<std::string> keys(std::begin(profile::kMachineFields), std::end(profile::kMachineFields));
  for (const profile::FittedField& f : profile::kFittedFields) keys.push_back(f.field);
  for (int busiest = 1; busiest <= profile::kMaxBusiestCpuProcesses; ++busiest)
    keys.push_back(profile::busiest_retrieval_field(busiest));
  MapReader hardware = file.child("hardware", keys);
  return {std::move(file), std::move(hardware)};
}

namespace {
// `prefix` selects a second cost in the same map ("slowest_": slowest_alpha_s, ...).
LinearCost read_cost_fields(const MapReader& r, const std::string& key, const std::string& prefix = "") {
  const std::string alpha = prefix + "alpha_s", bandwidth = prefix + "bandwidth_bytes_per_s";
  r.require({alpha, bandwidth});
  LinearCost c;
  r.read_number(alpha, &c.alpha_s);
  r.read_number(bandwidth, &c.bandwidth_bytes_per_s);
  if (!(c.bandwidth_bytes_per_s > 0) || !(c.alpha_s >= 0)) {
    r.fail(bandwidth, "'" + key + "' must have a positive " + bandwidth + " and " + alpha + " >= 0");
  }
  return c;
}
}  // namespace

LinearCost read_profile_cost(const MapReader& hw, const std::string& key) {
  return read_cost_fields(hw.child(key, {"alpha_s", "bandwidth_bytes_per_s"}), key);
}

ConcurrentCost read_concurrent_profile_cost(const MapReader& hw, const std::string& key) {
  const MapReader r = hw.child(key, {"alpha_s", "bandwidth_bytes_per_s", "concurrency", "slowest_alpha_s",
                                     "slowest_bandwidth_bytes_per_s", "neighbours"});
  r.require({"concurrency"});
  ConcurrentCost c;
  c.each = read_cost_fields(r, key);
  if (r.has("slowest_alpha_s") || r.has("slowest_bandwidth_bytes_per_s")) c.slowest = read_cost_fields(r, key, "slowest_");
  r.read_int("concurrency", &c.concurrency);
  r.read_int("neighbours", &c.neighbours);
  if (c.neighbours < 0) r.fail("neighbours", "'" + key + "' needs neighbours >= 0");
  if (c.concurrency < 2) {
    r.fail("concurrency", "'" + key + "' needs concurrency >= 2 (it was measured with several at once)");
  }
  return c;
}

std::vector<std::string> apply_calibrated_profile(const std::string& path, HardwareProfile* hw) {
  const CalibratedProfile profile = open_calibrated_profile(path);
  const MapReader& file = profile.file;
  const MapReader& h = profile.hardware;
  std::string source;
  file.read_string("source", &source);
  std::vector<std::string> applied;
  int measured_gpus = 1;
  h.read_int("gpus_per_machine", &measured_gpus);
  if (h.has("gpu_to_cpu")) {
    // Measured with `measured_gpus` GPUs copying; a machine's GPUs have their own PCIe links,
    // so the per-machine figure scales with the GPU count (an assumption the source notes).
    LinearCost c = read_profile_cost(h, "gpu_to_cpu");
    c.bandwidth_bytes_per_s *= static_cast<double>(hw->gpus_per_machine) / measured_gpus;
    hw->gpu_to_cpu = c;
    applied.push_back("gpu_to_cpu (per GPU x " + std::to_string(hw->gpus_per_machine) + " GPUs)");
  }
  if (h.has("local_disk_write")) {
    hw->local_disk_write = read_profile_cost(h, "local_disk_write");
    applied.push_back("local_disk_write");
  }
  if (h.has("local_disk_read")) {
    hw->local_disk_read = read_profile_cost(h, "local_disk_read");
    applied.push_back("local_disk_read");
  }
  if (h.has("serialize")) {
    hw->serialize_bytes_per_s = read_profile_cost(h, "serialize").bandwidth_bytes_per_s;
    applied.push_back("serialize");
  }
  double memory = 0;
  if (h.read_number("gpu_memory_bytes", &memory)) {
    hw->gpu_memory_bytes = memory;
    applied.push_back("gpu_memory");
  }
  h.read_string("gpu_model", &hw->gpu_model);
  hw->source += "; measured (" + path + ", " + source + "): ";
  for (size_t i = 0; i < applied.size(); ++i) hw->source += (i ? ", " : "") + applied[i];
  return applied;
}

}  // namespace gemini
