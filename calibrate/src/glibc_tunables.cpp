#include "glibc_tunables.hpp"

#include <link.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>

#include "gemini/calibrate/sizes.hpp"

namespace gemini::calibrate::detail {
namespace {

// The program's PT_INTERP (its dynamic loader), from the first object dl_iterate_phdr reports.
std::string program_interpreter() {
  std::string path;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_INTERP)
            *static_cast<std::string*>(out) = reinterpret_cast<const char*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
        }
        return 1;  // the main program only
      },
      &path);
  return path;
}

}  // namespace

uint64_t parse_non_temporal_threshold(const std::string& output) {
  std::istringstream lines(output);
  const std::string key = "glibc.cpu.x86_non_temporal_threshold:";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key, 0) != 0) continue;
    try {
      return std::stoull(line.substr(key.size()), nullptr, 0);  // "0x6300000 (min: ..."
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

uint64_t glibc_non_temporal_threshold_bytes() {
  const std::string loader = program_interpreter();
  if (loader.empty() || loader.find('\'') != std::string::npos) return 0;
  const std::string cmd = "'" + loader + "' --list-tunables 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  if (!pipe) return 0;
  std::string output;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0;) output.append(buf, n);
  return parse_non_temporal_threshold(output);
}

bool copies_with_memcpy(const std::string& b) {
  return b.rfind("host-memcpy", 0) == 0 || b.rfind("shm-", 0) == 0 || b == "memory-retrieval-concurrent";
}

namespace {
const std::string kRegimesMark = "two regimes: ";
}  // namespace

bool has_memcpy_regimes_note(const BenchmarkResult& result) {
  return std::any_of(result.notes.begin(), result.notes.end(),
                     [](const std::string& n) { return n.rfind(kRegimesMark, 0) == 0; });
}

void note_memcpy_regimes(BenchmarkResult& result, uint64_t threshold_bytes) {
  if (threshold_bytes == 0 || !copies_with_memcpy(result.name)) return;
  bool below = false, above = false;
  for (const auto& p : result.points) (p.bytes < static_cast<double>(threshold_bytes) ? below : above) = true;
  if (!below || !above || has_memcpy_regimes_note(result)) return;
  result.notes.push_back(kRegimesMark + "glibc's memcpy uses non-temporal stores from " + format_bytes(threshold_bytes) +
                         " (glibc.cpu.x86_non_temporal_threshold) up, cheaper per byte than the cached stores "
                         "below, and this sweep has sizes on both sides: one line fits neither well (docs/CALIBRATION.md "
                         "\"The fit\")");
}

}  // namespace gemini::calibrate::detail
