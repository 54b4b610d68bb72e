// How the ranks of one disk save share the one disk when they start writing apart
// (docs/VALIDATION.md "Disk saves"). On both VMs we measured, concurrent writers that start
// apart finish together rather than sharing the disk over their start times: in the staggered
// benchmark the first writer to start takes longest (results/cpu/disk-stagger/), and so did the
// first rank of a save in the AMD EPYC VM's runs. Each rank then takes the all-at-once cost
// less its delay after the first start.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace gemini {

enum class DiskOverlap {
  finish_together,  // each writer ends at the first start + the all-at-once cost
  all_at_once,      // every writer pays the all-at-once cost, whatever its start
};

inline constexpr DiskOverlap kDiskOverlaps[] = {DiskOverlap::finish_together, DiskOverlap::all_at_once};

const char* disk_overlap_name(DiskOverlap overlap);  // as --disk-overlap and compare's JSON spell it
// What the model charges each rank, in words (help text and compare's report).
const char* disk_overlap_description(DiskOverlap overlap);
std::optional<DiskOverlap> parse_disk_overlap(const std::string& name);

// Each writer's seconds when all end at the first start plus all_at_once_s (what each takes when
// all start together); a writer starting so late that this leaves less than lone_s (its cost
// alone) takes lone_s. starts_s in any order, same clock.
std::vector<double> finish_together_seconds(const std::vector<double>& starts_s, double all_at_once_s, double lone_s);

}  // namespace gemini
