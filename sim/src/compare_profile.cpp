// Reads the host costs `gemini-sim compare` needs from a gemini-calibrate profile.
#include <string>

#include "gemini/compare.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini::compare {
namespace {

LinearCost read_cost(const MapReader& hw, const std::string& key, const std::string& benchmark) {
  if (!hw.has(key)) {
    hw.fail(key, "missing required key '" + key + "' in hardware (the " + benchmark +
                     " benchmark; re-run gemini-calibrate with --benchmarks cpu)");
  }
  const MapReader r = hw.child(key, {"alpha_s", "bandwidth_bytes_per_s"});
  r.require({"alpha_s", "bandwidth_bytes_per_s"});
  LinearCost c;
  r.read_number("alpha_s", &c.alpha_s);
  r.read_number("bandwidth_bytes_per_s", &c.bandwidth_bytes_per_s);
  if (!(c.bandwidth_bytes_per_s > 0) || !(c.alpha_s >= 0)) {
    r.fail("bandwidth_bytes_per_s", "'" + key + "' must have a positive bandwidth and alpha >= 0");
  }
  return c;
}

}  // namespace

HostCosts load_host_costs(const std::string& path) {
  const YAML::Node root = load_yaml_file(path);
  const MapReader file(root, path, "",
                       {"profile_format", "name", "source", "tool", "tool_version", "date_utc", "command",
                        "machine", "hardware", "benchmarks"});
  file.require({"profile_format", "source", "hardware"});
  int format = 0;
  file.read_int("profile_format", &format);
  if (format != 1) file.fail("profile_format", "unsupported profile_format " + std::to_string(format));
  HostCosts c;
  c.path = path;
  file.read_string("name", &c.name);
  file.read_string("source", &c.source);
  if (file.has("machine")) {
    const YAML::Node m = file.get("machine");
    if (m.IsMap() && m["logical_cpus"]) {
      c.logical_cpus = static_cast<int>(scalar_int(m["logical_cpus"], path, "'logical_cpus'"));
    }
  }
  const MapReader h = file.child("hardware", {"cpu_memory_bytes", "gpu_model", "gpus_per_machine", "gpu_memory_bytes",
                                              "gpu_to_cpu", "cpu_to_gpu", "gpu_to_cpu_pageable", "cpu_to_gpu_pageable",
                                              "gpu_memory_copy", "local_disk_write", "local_disk_read", "host_memcpy",
                                              "loopback_tcp", "serialize", "checksum", "shm_write_fresh",
                                              "shm_read_fresh"});
  c.memcpy = read_cost(h, "host_memcpy", "host-memcpy");
  c.checksum = read_cost(h, "checksum", "checksum-xxh64");
  c.shm_write_fresh = read_cost(h, "shm_write_fresh", "shm-write-fresh");
  c.shm_read_fresh = read_cost(h, "shm_read_fresh", "shm-read-fresh");
  c.tcp = read_cost(h, "loopback_tcp", "tcp-loopback");
  c.disk_write = read_cost(h, "local_disk_write", "disk-write");
  c.disk_read = read_cost(h, "local_disk_read", "disk-read-cold");
  if (h.has("gpu_to_cpu") && h.has("cpu_to_gpu")) {
    c.gpu_to_cpu = read_cost(h, "gpu_to_cpu", "gpu-d2h-pinned");
    c.cpu_to_gpu = read_cost(h, "cpu_to_gpu", "gpu-h2d-pinned");
    c.has_gpu = true;
  }
  return c;
}

}  // namespace gemini::compare
