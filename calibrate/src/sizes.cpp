// Byte sizes: parsing, formatting, sweeps and repetitions per size.
#include "gemini/calibrate/sizes.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace gemini::calibrate {

uint64_t parse_bytes(const std::string& text) {
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  size_t start = i;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == start) throw std::invalid_argument("not a byte size: '" + text + "'");
  const double number = std::stod(text.substr(start, i - start));
  std::string unit;
  for (; i < text.size(); ++i)
    if (!std::isspace(static_cast<unsigned char>(text[i])))
      unit += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  double mult = 0;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "kb") mult = 1e3;
  else if (unit == "mb") mult = 1e6;
  else if (unit == "gb") mult = 1e9;
  else if (unit == "tb") mult = 1e12;
  else if (unit == "k" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else throw std::invalid_argument("unknown byte unit in '" + text + "'");
  const double bytes = std::round(number * mult);
  if (!(bytes >= 1)) throw std::invalid_argument("byte size must be positive: '" + text + "'");
  return static_cast<uint64_t>(bytes);
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) { bytes /= 1024; ++u; }
  char buf[32];
  if (bytes == std::floor(bytes)) std::snprintf(buf, sizeof buf, "%.0f %s", bytes, units[u]);
  else std::snprintf(buf, sizeof buf, "%.2f %s", bytes, units[u]);
  return buf;
}

std::vector<uint64_t> size_sweep(uint64_t min_bytes, uint64_t max_bytes, unsigned factor) {
  if (min_bytes == 0) throw std::invalid_argument("size_sweep: min must be > 0");
  if (min_bytes > max_bytes) throw std::invalid_argument("size_sweep: min > max");
  if (factor < 2) throw std::invalid_argument("size_sweep: factor must be >= 2");
  std::vector<uint64_t> sizes;
  for (uint64_t s = min_bytes; s <= max_bytes; s *= factor) {
    sizes.push_back(s);
    if (s > max_bytes / factor) break;
  }
  if (sizes.back() != max_bytes) sizes.push_back(max_bytes);
  return sizes;
}

std::vector<uint64_t> with_sizes(std::vector<uint64_t> sweep, const std::vector<uint64_t>& also) {
  if (sweep.empty()) return sweep;
  const uint64_t lo = sweep.front(), hi = sweep.back();
  for (uint64_t n : also)
    if (n >= lo && n <= hi) sweep.push_back(n);
  std::sort(sweep.begin(), sweep.end());
  sweep.erase(std::unique(sweep.begin(), sweep.end()), sweep.end());
  return sweep;
}

int reps_for_size(uint64_t bytes, int reps_max, int reps_min, uint64_t full_reps_bytes) {
  if (reps_max < 1) throw std::invalid_argument("reps must be >= 1");
  const int floor_reps = std::max(1, std::min(reps_min, reps_max));
  if (bytes <= full_reps_bytes) return reps_max;
  const double r = std::ceil(static_cast<double>(reps_max) * static_cast<double>(full_reps_bytes) /
                             static_cast<double>(bytes));
  return std::max(floor_reps, static_cast<int>(r));
}

}  // namespace gemini::calibrate
