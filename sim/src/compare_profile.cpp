// Reads the host costs `gemini-sim compare` needs from a gemini-calibrate profile.
#include <string>

#include "gemini/compare.hpp"
#include "gemini/hardware_profile_file.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini::compare {
namespace {

// A cost compare cannot do without: its absence names the benchmark that measures it.
LinearCost read_cost(const MapReader& hw, const std::string& key, const std::string& benchmark) {
  if (!hw.has(key)) {
    hw.fail(key, "missing required key '" + key + "' in hardware (the " + benchmark +
                     " benchmark; re-run gemini-calibrate with --benchmarks cpu)");
  }
  return read_profile_cost(hw, key);
}

}  // namespace

HostCosts load_host_costs(const std::string& path) {
  const CalibratedProfile profile = open_calibrated_profile(path);
  const MapReader& file = profile.file;
  const MapReader& h = profile.hardware;
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
  c.memcpy = read_cost(h, "host_memcpy", "host-memcpy");
  c.checksum = read_cost(h, "checksum", "checksum-xxh64");
  c.shm_write_fresh = read_cost(h, "shm_write_fresh", "shm-write-fresh");
  c.shm_read_fresh = read_cost(h, "shm_read_fresh", "shm-read-fresh");
  c.tcp = read_cost(h, "loopback_tcp", "tcp-loopback");
  if (h.has("loopback_tcp_fresh")) c.tcp_fresh = read_profile_cost(h, "loopback_tcp_fresh");
  c.disk_write = read_cost(h, "local_disk_write", "disk-write");
  c.disk_read = read_cost(h, "local_disk_read", "disk-read-cold");
  for (auto [key, cost] : {std::pair{"host_memcpy_concurrent", &c.memcpy_concurrent},
                           std::pair{"checksum_concurrent", &c.checksum_concurrent},
                           std::pair{"local_disk_write_concurrent", &c.disk_write_concurrent},
                           std::pair{"local_disk_read_concurrent", &c.disk_read_concurrent},
                           std::pair{"loopback_tcp_concurrent", &c.tcp_concurrent},
                           std::pair{"shm_write_fresh_concurrent", &c.shm_write_fresh_concurrent},
                           std::pair{"local_disk_read_beside_memory", &c.disk_read_beside_memory}}) {
    if (h.has(key)) *cost = read_concurrent_profile_cost(h, key);
  }
  if (h.has("gpu_to_cpu") && h.has("cpu_to_gpu")) {
    c.gpu_to_cpu = read_cost(h, "gpu_to_cpu", "gpu-d2h-pinned");
    c.cpu_to_gpu = read_cost(h, "cpu_to_gpu", "gpu-h2d-pinned");
    c.has_gpu = true;
  }
  return c;
}

}  // namespace gemini::compare
