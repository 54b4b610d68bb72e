#include "gemini/disk_overlap.hpp"

#include <algorithm>

namespace gemini {

const char* disk_overlap_name(DiskOverlap overlap) {
  return overlap == DiskOverlap::finish_together ? "finish-together" : "all-at-once";
}

const char* disk_overlap_description(DiskOverlap overlap) {
  return overlap == DiskOverlap::finish_together ? "each rank: the all-at-once cost less its delay after the first start"
                                                 : "every rank pays the all-at-once cost";
}

std::optional<DiskOverlap> parse_disk_overlap(const std::string& name) {
  for (DiskOverlap o : kDiskOverlaps)
    if (name == disk_overlap_name(o)) return o;
  return std::nullopt;
}

std::vector<double> finish_together_seconds(const std::vector<double>& starts_s, double all_at_once_s, double lone_s) {
  std::vector<double> seconds;
  if (starts_s.empty()) return seconds;
  const double first = *std::min_element(starts_s.begin(), starts_s.end());
  for (double s : starts_s) seconds.push_back(std::max(lone_s, all_at_once_s - (s - first)));
  return seconds;
}

}  // namespace gemini
