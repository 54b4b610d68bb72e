// Reads the host costs `gemini-sim compare` needs from a gemini-calibrate profile.
#include <string>

#include "gemini/compare.hpp"
#include "gemini/hardware_profile_file.hpp"
#include "gemini/yaml_reader.hpp"
#include "host_cost_keys.hpp"

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
  file.read_string("date_utc", &c.date_utc);
  if (file.has("machine")) {
    const YAML::Node m = file.get("machine");
    if (m.IsMap()) {
      if (m["logical_cpus"]) c.logical_cpus = static_cast<int>(scalar_int(m["logical_cpus"], path, "'logical_cpus'"));
      if (m["cpu_model"]) c.cpu_model = scalar_text(m["cpu_model"], path, "'cpu_model'");
      if (m["kernel"]) c.kernel = scalar_text(m["kernel"], path, "'kernel'");
      if (m["memcpy_non_temporal_threshold_bytes"]) {
        c.memcpy_non_temporal_threshold_bytes =
            scalar_int(m["memcpy_non_temporal_threshold_bytes"], path, "'memcpy_non_temporal_threshold_bytes'");
      }
    }
  }
  for (const LinearKey& k : kRequiredCosts) c.*k.cost = read_cost(h, k.key, k.benchmark());
  for (const OptionalKey& k : kOptionalCosts)
    if (h.has(k.key)) c.*k.cost = read_profile_cost(h, k.key);
  for (const ConcurrentKey& k : kConcurrentCosts)
    if (h.has(k.key)) c.*k.cost = read_concurrent_profile_cost(h, k.key);
  for (int busiest = 1; busiest <= profile::kMaxBusiestCpuProcesses; ++busiest)
    if (const std::string key = profile::busiest_retrieval_field(busiest); h.has(key))
      c.memory_retrieval_busiest[busiest] = read_concurrent_profile_cost(h, key);
  if (h.has(kGpuCosts[0].key) && h.has(kGpuCosts[1].key)) {
    for (const LinearKey& k : kGpuCosts) c.*k.cost = read_cost(h, k.key, k.benchmark());
    c.has_gpu = true;
  }
  return c;
}

}  // namespace gemini::compare
