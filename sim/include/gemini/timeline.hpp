// What a strategy's run did and when: spans of time by cause and instant events (failures,
// checkpoints, recoveries), for timeline traces. Recording is optional and off by default.
#pragma once
#include <string>
#include <vector>

namespace gemini {

struct TimelineSpan {
  double start_s = 0;  // job-relative
  double end_s = 0;
  std::string name;    // a TimeCause name ("compute", "detection", ...)
};

struct TimelineMark {
  double time_s = 0;
  std::string name;    // "failure", "persistent-checkpoint", "recovered"
  std::string detail;  // e.g. "hardware m3", "persistent it=174", "source=peer_cpu restored=1234"
};

struct StrategyTimeline {
  std::string strategy;
  std::vector<TimelineSpan> spans;  // consecutive spans of the same cause are merged
  std::vector<TimelineMark> marks;

  void add_span(double start_s, double end_s, const std::string& name);
  void add_mark(double time_s, std::string name, std::string detail);
};

}  // namespace gemini
