// A resource shared fairly by the jobs active at each moment (processor sharing): what each
// job of `work` units, starting at its own time, takes to finish when the resource delivers
// `rate` units per second in all. Used by `gemini-sim compare` for a save's ranks writing to one
// disk: their measured start times decide how much their writes overlap.
#pragma once
#include <vector>

namespace gemini {

// Seconds from each job's start to its end. starts_s in any order; rate > 0, work >= 0.
std::vector<double> fair_share_seconds(const std::vector<double>& starts_s, double work, double rate);

}  // namespace gemini
