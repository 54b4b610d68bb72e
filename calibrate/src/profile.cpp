// YAML hardware profile writer: a flat document emitted by hand (no yaml-cpp dependency).
#include "gemini/calibrate/profile.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

#include "gemini/profile_fields.hpp"

namespace gemini::calibrate {

namespace {
std::string num(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string fit_flow(const LinearCostFit& f) {
  return "{alpha_s: " + num(f.alpha_s) + ", beta_bytes_per_s: " + num(f.beta_bytes_per_s) +
         ", r_squared: " + num(f.r_squared) +
         ", max_relative_residual: " + num(f.max_relative_residual) +
         ", points: " + std::to_string(f.points) + ", weighting: " + to_string(f.weighting) +
         ", alpha_clamped: " + (f.alpha_clamped ? "true" : "false") + "}";
}

std::string stats_flow(double bytes, const Stats& s) {
  return "{bytes: " + num(bytes) + ", median_s: " + num(s.median_s) + ", p10_s: " + num(s.p10_s) +
         ", p90_s: " + num(s.p90_s) + ", count: " + std::to_string(s.count) + "}";
}

// One fitted line of the `hardware:` block, where the benchmark has one.
void write_hardware_field(std::ostringstream& y, const BenchmarkResult& b, const std::string& field,
                          const std::string& rate_key) {
  if (!b.fit) return;
  y << "  " << field << ": {alpha_s: " << num(b.fit->alpha_s) << ", " << rate_key << ": " << num(b.fit->beta_bytes_per_s);
  // Concurrent benchmarks: the cost of each of this many running at once.
  if (b.extra.contains("concurrency")) y << ", concurrency: " << b.extra["concurrency"].get<int>();
  // ... beside this many processes streaming memory, where it ran so.
  if (b.extra.contains("neighbours")) y << ", neighbours: " << b.extra["neighbours"].get<int>();
  // ... and of the slowest of them (a recovery waits for its last rank), where recorded.
  if (b.fit_slowest)
    y << ", slowest_alpha_s: " << num(b.fit_slowest->alpha_s) << ", slowest_" << rate_key << ": "
      << num(b.fit_slowest->beta_bytes_per_s);
  y << "}  # " << b.name;
  if (b.extra.value("rest_ms", 0.0) > 0) y << ", after " << num(b.extra["rest_ms"].get<double>()) << " ms of rest per run";
  if (b.extra.contains("cold_read_assured") && !b.extra["cold_read_assured"].get<bool>())
    y << "; WARNING: cold read not assured, may include page-cache hits";
  y << "\n";
}
}  // namespace

std::string slugify(const std::string& text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "unknown" : out;
}

std::string yaml_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", u);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string default_profile_name(const MachineInfo& machine) {
  if (!machine.gpus.empty()) return "gpu-" + slugify(machine.gpus.front().name);
  return "cpu-" + slugify(machine.cpu_model);
}

std::string to_profile_yaml(const CalibrationRun& run, const std::string& profile_name) {
  const MachineInfo& m = run.machine;
  const std::string name = profile_name.empty() ? default_profile_name(m) : profile_name;
  std::ostringstream y;
  y << "# Hardware profile for gemini-sim, written by gemini-calibrate " << run.tool_version << ".\n"
    << "# Transfer costs follow GEMINI's f(s) = alpha + s / B: alpha_s in seconds, bandwidths in\n"
    << "# bytes per second, fitted to the median time of each size (see docs/CALIBRATION.md).\n"
    << "profile_format: 1\n"
    << "name: " << yaml_quote(name) << "\n"
    << "source: " << yaml_quote("calibrated: gemini-calibrate " + run.tool_version + " on " +
                                m.hostname + ", " + run.date_utc) << "\n"
    << "tool: \"gemini-calibrate\"\n"
    << "tool_version: " << yaml_quote(run.tool_version) << "\n"
    << "date_utc: " << yaml_quote(run.date_utc) << "\n"
    << "command: " << yaml_quote(run.command_line) << "\n";

  y << "machine:\n"
    << "  hostname: " << yaml_quote(m.hostname) << "\n"
    << "  cpu_model: " << yaml_quote(m.cpu_model) << "\n"
    << "  logical_cpus: " << m.logical_cpus << "\n"
    << "  memory_bytes: " << num(m.memory_bytes) << "\n"
    << "  kernel: " << yaml_quote(m.kernel) << "\n"
    << "  gpu_status: " << yaml_quote(m.gpu_status) << "\n"
    << "  cuda_driver_version: " << yaml_quote(m.cuda_driver_version) << "\n"
    << "  cuda_runtime_version: " << yaml_quote(m.cuda_runtime_version) << "\n"
    << "  nccl_version: " << yaml_quote(m.nccl_version) << "\n"
    << "  memcpy_non_temporal_threshold_bytes: " << m.memcpy_non_temporal_threshold_bytes
    << "  # glibc's memcpy uses non-temporal stores from here up (0: unknown)\n";
  if (m.gpus.empty()) {
    y << "  gpus: []\n";
  } else {
    y << "  gpus:\n";
    for (const auto& g : m.gpus)
      y << "    - {index: " << g.index << ", name: " << yaml_quote(g.name)
        << ", memory_bytes: " << num(g.memory_bytes)
        << ", compute_capability: " << yaml_quote(g.compute_capability)
        << ", multiprocessors: " << g.multiprocessors << ", pci_bus_id: " << yaml_quote(g.pci_bus_id)
        << ", pcie_link: " << yaml_quote(g.pcie_link) << "}\n";
  }

  y << "# Fields of the simulator's HardwareProfile that this run measured (one GPU measured\n"
    << "# alone: a per-machine gpu_to_cpu with several GPUs copying at once may be lower).\n"
    << "hardware:\n"
    << "  cpu_memory_bytes: " << num(m.memory_bytes) << "\n";
  if (!m.gpus.empty()) {
    y << "  gpu_model: " << yaml_quote(m.gpus.front().name) << "\n"
      << "  gpus_per_machine: " << m.gpus.size() << "\n"
      << "  gpu_memory_bytes: " << num(m.gpus.front().memory_bytes) << "\n";
  }
  for (const auto& [bench, field, rate_key] : profile::kFittedFields)
    if (const BenchmarkResult* b = run.find(bench)) write_hardware_field(y, *b, field, rate_key);
  // memory-retrieval-busiest-K, one per layout it measured: memory_retrieval_busiest_K.
  for (const BenchmarkResult& b : run.benchmarks)
    if (const std::string field = profile::busiest_retrieval_field_of(b.name); !field.empty())
      write_hardware_field(y, b, field, "bandwidth_bytes_per_s");

  y << "benchmarks:\n";
  for (const auto& b : run.benchmarks) {
    y << "  " << b.name << ":\n"
      << "    status: " << b.status << "\n"
      << "    description: " << yaml_quote(b.description) << "\n";
    if (!b.message.empty()) y << "    message: " << yaml_quote(b.message) << "\n";
    if (b.status != "ok") continue;
    y << "    timer: " << yaml_quote(b.timer) << "\n";
    if (b.fit) y << "    fit: " << fit_flow(*b.fit) << "\n";
    if (b.fit_wall) y << "    fit_wall: " << fit_flow(*b.fit_wall) << "\n";
    if (b.fit_slowest) y << "    fit_slowest: " << fit_flow(*b.fit_slowest) << "\n";
    if (!b.fit_error.empty()) y << "    fit_error: " << yaml_quote(b.fit_error) << "\n";
    if (!b.notes.empty()) {
      y << "    notes:\n";
      for (const auto& n : b.notes) y << "      - " << yaml_quote(n) << "\n";
    }
    // JSON is valid YAML flow syntax.
    if (!b.extra.empty()) y << "    extra: " << b.extra.dump() << "\n";
    y << "    medians:\n";
    for (const auto& p : b.points) y << "      - " << stats_flow(p.bytes, p.stats) << "\n";
    bool any_wall = false;
    for (const auto& p : b.points) any_wall = any_wall || p.wall.has_value();
    if (any_wall) {
      y << "    medians_wall:\n";
      for (const auto& p : b.points)
        if (p.wall) y << "      - " << stats_flow(p.bytes, *p.wall) << "\n";
    }
    if (b.points.empty()) y << "      []\n";
  }
  return y.str();
}

}  // namespace gemini::calibrate
