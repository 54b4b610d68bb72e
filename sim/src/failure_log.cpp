// CSV failure-log reader for trace replay.
#include "gemini/failure_log.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "gemini/units.hpp"

namespace gemini {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

// Plain numbers are seconds; anything else must carry a duration unit.
double parse_time_s(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) {
    if (!(v >= 0)) throw UnitError("a time must not be negative");
    // Hardening (issue 8): strtod reads "inf" and "1e400" as infinity, e.g. an endless outage.
    if (!std::isfinite(v)) throw UnitError("a time must be a finite number, got '" + text + "'");
    return v;
  }
  return parse_duration_s(text);
}

}  // namespace

FailureLog read_failure_log(const std::string& path, int machines, double horizon_s) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path, 0, "cannot open failure log");
  FailureLog log;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    const auto cells = split_csv(text);
    if (number == 1 && cells[0] == "time") continue;  // header
    auto fail = [&](const std::string& message) { throw ConfigError(path, number, message); };
    if (cells.size() < 3 || cells.size() > 4) {
      fail("expected time,machine,kind[,duration], got " + std::to_string(cells.size()) + " fields");
    }
    ExplicitFailure f;
    try {
      f.at_s = parse_time_s(cells[0]);
      if (cells.size() == 4 && !cells[3].empty()) f.duration_s = parse_time_s(cells[3]);
    } catch (const UnitError& e) {
      fail(e.what());
    }
    if (cells[1] != "any") {
      char* end = nullptr;
      const long m = std::strtol(cells[1].c_str(), &end, 10);
      if (cells[1].empty() || *end != '\0') fail("machine must be an index or 'any', got '" + cells[1] + "'");
      if (m < 0 || m >= machines) {
        fail("machine " + cells[1] + " is out of range: the cluster has " + std::to_string(machines) + " machines");
      }
      f.machines.push_back(static_cast<int>(m));
    }
    if (cells[2] == "software") {
      f.kind = FailureKind::software;
    } else if (cells[2] == "hardware") {
      f.kind = FailureKind::hardware;
    } else if (cells[2] == "network") {
      f.kind = FailureKind::network;
    } else {
      fail("kind must be software, hardware or network, got '" + cells[2] + "'");
    }
    if (f.duration_s > 0 && f.kind != FailureKind::network) fail("a duration applies only to network failures");
    if (f.at_s >= horizon_s) {
      ++log.ignored_outside_horizon;
      continue;
    }
    log.failures.push_back(f);
  }
  return log;
}

}  // namespace gemini
