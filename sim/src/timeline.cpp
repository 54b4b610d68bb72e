// Timeline recording helpers.
#include "gemini/timeline.hpp"

namespace gemini {

void StrategyTimeline::add_span(double start_s, double end_s, const std::string& name) {
  if (end_s <= start_s) return;
  if (!spans.empty() && spans.back().name == name && spans.back().end_s == start_s) {
    spans.back().end_s = end_s;  // long stretches of one cause stay one span
    return;
  }
  spans.push_back({start_s, end_s, name});
}

void StrategyTimeline::add_mark(double time_s, std::string name, std::string detail) {
  marks.push_back({time_s, std::move(name), std::move(detail)});
}

}  // namespace gemini
