// Calibration results: fits over medians, JSON form, host description, command line.
#include "gemini/calibrate/results.hpp"

#include "glibc_tunables.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <thread>

namespace gemini::calibrate {

BenchmarkResult BenchmarkResult::skipped(std::string name, std::string description,
                                         std::string why) {
  BenchmarkResult r;
  r.name = std::move(name);
  r.description = std::move(description);
  r.status = "skipped";
  r.message = std::move(why);
  return r;
}

void fit_medians(BenchmarkResult& result, FitWeighting weighting) {
  std::vector<CostSample> primary, wall, slowest;
  for (const auto& p : result.points) {
    primary.push_back({p.bytes, p.stats.median_s});
    if (p.wall) wall.push_back({p.bytes, p.wall->median_s});
    if (p.slowest) slowest.push_back({p.bytes, p.slowest->median_s});
  }
  result.fit.reset();
  result.fit_wall.reset();
  result.fit_slowest.reset();
  result.fit_error.clear();
  try {
    result.fit = fit_linear_cost(primary, weighting);
    if (result.fit->max_relative_residual > 0.25)
      result.notes.push_back("poor fit: a median is " +
                             std::to_string(static_cast<int>(100 * result.fit->max_relative_residual)) +
                             "% off the line; the cost is not linear in size over this range");
  } catch (const FitError& e) {
    result.fit_error = e.what();
  }
  // Secondary fits: a point set that cannot be fitted just leaves them out.
  for (auto [samples, fit] : {std::pair{&wall, &result.fit_wall}, std::pair{&slowest, &result.fit_slowest}}) {
    if (samples->empty()) continue;
    try {
      *fit = fit_linear_cost(*samples, weighting);
    } catch (const FitError&) {
    }
  }
}

MachineInfo describe_host() {
  MachineInfo m;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        m.cpu_model = line.substr(colon + 1);
        m.cpu_model.erase(0, m.cpu_model.find_first_not_of(" \t"));
      }
      break;
    }
  }
  if (m.cpu_model.empty()) m.cpu_model = "unknown";
  m.logical_cpus = static_cast<int>(std::thread::hardware_concurrency());
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page > 0) m.memory_bytes = static_cast<double>(pages) * static_cast<double>(page);
  struct utsname u;
  if (uname(&u) == 0) m.kernel = std::string(u.sysname) + " " + u.release;
  m.gpu_status = "not measured";
  m.memcpy_non_temporal_threshold_bytes = detail::glibc_non_temporal_threshold_bytes();
  return m;
}

const BenchmarkResult* CalibrationRun::find(const std::string& name) const {
  for (const auto& b : benchmarks)
    if (b.name == name) return &b;
  return nullptr;
}

nlohmann::json to_json(const Stats& s) {
  return {{"median_s", s.median_s}, {"p10_s", s.p10_s}, {"p90_s", s.p90_s},
          {"min_s", s.min_s},       {"max_s", s.max_s}, {"count", s.count}};
}

nlohmann::json to_json(const LinearCostFit& f) {
  return {{"alpha_s", f.alpha_s},
          {"beta_bytes_per_s", f.beta_bytes_per_s},
          {"r_squared", f.r_squared},
          {"residuals_s", f.residuals_s},
          {"max_relative_residual", f.max_relative_residual},
          {"points", f.points},
          {"distinct_sizes", f.distinct_sizes},
          {"weighting", to_string(f.weighting)},
          {"alpha_clamped", f.alpha_clamped}};
}

nlohmann::json to_json(const BenchmarkResult& r) {
  nlohmann::json j = {{"name", r.name},     {"description", r.description}, {"timer", r.timer},
                      {"status", r.status}, {"message", r.message},         {"notes", r.notes}};
  nlohmann::json points = nlohmann::json::array();
  for (const auto& p : r.points) {
    nlohmann::json pj = to_json(p.stats);
    pj["bytes"] = p.bytes;
    if (p.stats.median_s > 0) pj["throughput_bytes_per_s"] = p.bytes / p.stats.median_s;
    if (p.wall) pj["wall"] = to_json(*p.wall);
    if (p.slowest) pj["slowest"] = to_json(*p.slowest);
    if (!p.extra.empty()) pj["extra"] = p.extra;
    points.push_back(pj);
  }
  j["points"] = points;
  j["fit"] = r.fit ? to_json(*r.fit) : nlohmann::json();
  if (r.fit_wall) j["fit_wall"] = to_json(*r.fit_wall);
  if (r.fit_slowest) j["fit_slowest"] = to_json(*r.fit_slowest);
  if (!r.fit_error.empty()) j["fit_error"] = r.fit_error;
  j["extra"] = r.extra;
  return j;
}

nlohmann::json to_json(const CalibrationRun& run) {
  const MachineInfo& m = run.machine;
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& g : m.gpus)
    gpus.push_back({{"index", g.index},
                    {"name", g.name},
                    {"memory_bytes", g.memory_bytes},
                    {"compute_capability", g.compute_capability},
                    {"multiprocessors", g.multiprocessors},
                    {"pci_bus_id", g.pci_bus_id},
                    {"pcie_link", g.pcie_link}});
  nlohmann::json machine = {{"hostname", m.hostname},
                            {"cpu_model", m.cpu_model},
                            {"logical_cpus", m.logical_cpus},
                            {"memory_bytes", m.memory_bytes},
                            {"kernel", m.kernel},
                            {"gpus", gpus},
                            {"gpu_status", m.gpu_status},
                            {"cuda_driver_version", m.cuda_driver_version},
                            {"cuda_runtime_version", m.cuda_runtime_version},
                            {"nccl_version", m.nccl_version},
                            {"memcpy_non_temporal_threshold_bytes", m.memcpy_non_temporal_threshold_bytes}};
  nlohmann::json benchmarks = nlohmann::json::array();
  for (const auto& b : run.benchmarks) benchmarks.push_back(to_json(b));
  return {{"tool", "gemini-calibrate"},
          {"tool_version", run.tool_version},
          {"date_utc", run.date_utc},
          {"command", run.command_line},
          {"machine", machine},
          {"config", run.config},
          {"benchmarks", benchmarks}};
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string shell_join(int argc, const char* const* argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (i) out += ' ';
    const bool plain = !a.empty() && a.find_first_not_of(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace gemini::calibrate
