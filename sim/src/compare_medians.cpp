// gemini-sim compare --medians: the calibration's own medians at a run's size instead of the
// profile's fitted lines. A line fitted over 1 MB-1 GB can miss the medians near the one size a
// run moves (up to 25% on this VM, docs/VALIDATION.md); the secant through the two measured
// sizes around it cannot, inside the measured range.
#include <algorithm>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gemini/compare.hpp"
#include "host_cost_keys.hpp"

namespace gemini::compare {
namespace {

using json = nlohmann::json;

std::vector<MeasuredSize> read_sizes(const json& points, const std::string& where) {
  std::vector<MeasuredSize> sizes;
  for (const json& p : points) {
    MeasuredSize s;
    s.bytes = p.at("bytes").get<double>();
    s.median_s = p.at("median_s").get<double>();
    if (p.contains("slowest") && p["slowest"].is_object())
      s.slowest_median_s = p["slowest"].at("median_s").get<double>();
    if (!(s.bytes > 0) || !(s.median_s >= 0)) throw RunFileError(where + ": a point has bytes <= 0 or a negative median");
    sizes.push_back(s);
  }
  std::sort(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.bytes < b.bytes; });
  return sizes;
}

void replace_with_secant(LinearCost* cost, const CalibrationMedians& m, const std::string& benchmark, double bytes,
                         bool slowest, std::vector<std::string>* replaced) {
  const auto it = m.by_benchmark.find(benchmark);
  if (it == m.by_benchmark.end()) return;
  const std::optional<LinearCost> line = secant_at(it->second, bytes, slowest);
  if (!line) return;
  *cost = *line;
  if (replaced) replaced->push_back(benchmark + (slowest ? " (slowest)" : ""));
}

}  // namespace

CalibrationMedians load_calibration_medians(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw RunFileError(path + ": cannot open");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error& e) {
    throw RunFileError(path + ": not valid JSON (" + e.what() + ")");
  }
  CalibrationMedians m;
  m.path = path;
  try {
    if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array())
      throw RunFileError(path + ": no 'benchmarks' list: not a gemini-calibrate --out-json file");
    if (doc.contains("date_utc")) m.date_utc = doc["date_utc"].get<std::string>();
    for (const json& b : doc["benchmarks"]) {
      if (b.value("status", "") != "ok") continue;
      const std::string name = b.at("name").get<std::string>();
      m.by_benchmark[name] = read_sizes(b.at("points"), path + ": benchmark '" + name + "'");
    }
  } catch (const json::exception& e) {
    throw RunFileError(path + ": unexpected layout (" + e.what() + ")");
  }
  return m;
}

std::optional<LinearCost> secant_at(const std::vector<MeasuredSize>& sizes, double bytes, bool slowest) {
  std::vector<std::pair<double, double>> pts;  // (bytes, seconds) of the wanted median
  for (const MeasuredSize& s : sizes) {
    if (!slowest) pts.emplace_back(s.bytes, s.median_s);
    else if (s.slowest_median_s) pts.emplace_back(s.bytes, *s.slowest_median_s);
  }
  if (pts.size() < 2) return std::nullopt;
  // First size at or above `bytes`, kept inside so that the pair exists at either end.
  size_t hi = std::lower_bound(pts.begin(), pts.end(), bytes, [](const auto& p, double b) { return p.first < b; }) -
              pts.begin();
  hi = std::clamp<size_t>(hi, 1, pts.size() - 1);
  const auto [b0, t0] = pts[hi - 1];
  const auto [b1, t1] = pts[hi];
  if (!(b1 > b0) || !(t1 > t0)) return std::nullopt;  // no growth: no bandwidth to speak of
  LinearCost line;
  line.bandwidth_bytes_per_s = (b1 - b0) / (t1 - t0);
  line.alpha_s = t0 - b0 / line.bandwidth_bytes_per_s;
  if (line.alpha_s < 0) {
    // Time grows faster than linearly here. A negative latency means nothing to the engine's
    // links, so take the line through the origin that agrees with the secant at `bytes`.
    const double at_bytes_s = line.seconds(bytes);
    if (!(at_bytes_s > 0)) return std::nullopt;
    line = {0.0, bytes / at_bytes_s};
  }
  return line;
}

HostCosts costs_at_size(const HostCosts& fitted, const CalibrationMedians& m, double bytes,
                        std::vector<std::string>* replaced) {
  HostCosts c = fitted;
  for (const LinearKey& k : kRequiredCosts) replace_with_secant(&(c.*k.cost), m, k.benchmark(), bytes, false, replaced);
  if (c.has_gpu)
    for (const LinearKey& k : kGpuCosts) replace_with_secant(&(c.*k.cost), m, k.benchmark(), bytes, false, replaced);
  for (const OptionalKey& k : kOptionalCosts)
    if (c.*k.cost) replace_with_secant(&*(c.*k.cost), m, k.benchmark(), bytes, false, replaced);
  const auto replace_concurrent = [&](ConcurrentCost& cc, const std::string& benchmark) {
    if (cc.concurrency == 0) return;
    replace_with_secant(&cc.each, m, benchmark, bytes, false, replaced);
    if (cc.slowest) replace_with_secant(&*cc.slowest, m, benchmark, bytes, true, replaced);
  };
  for (const ConcurrentKey& k : kConcurrentCosts) replace_concurrent(c.*k.cost, k.benchmark());
  for (auto& [busiest, cc] : c.memory_retrieval_busiest) replace_concurrent(cc, profile::busiest_retrieval_benchmark(busiest));
  return c;
}

}  // namespace gemini::compare
