// A timed phase as JSON, {median_s, p10_s, p90_s, count}: the form every real/ report uses
// (the benchmark commands' ordered JSON and the launcher's run JSON).
#pragma once
#include <nlohmann/json.hpp>

#include <vector>

#include "stats.hpp"

namespace gemini::real {

template <typename Json = nlohmann::ordered_json>
Json phase_json(const std::vector<double>& seconds) {
  const PhaseStats s = summarize(seconds);
  return Json{{"median_s", s.median_s}, {"p10_s", s.p10_s}, {"p90_s", s.p90_s}, {"count", s.count}};
}

}  // namespace gemini::real
