// Closed-form position inside a stretch of training with periodic blocking checkpoints, so the
// job actor can sleep from one failure to the next instead of stopping at every checkpoint.
#pragma once
#include <cstdint>

namespace gemini {

// From iteration `start_iteration` at job time `start_s`, each iteration takes `iteration_s`;
// after every iteration that is a multiple of `interval` a blocking stall of `stall_s` follows,
// and the checkpoint taken there completes `completion_s` after its stall ends (its upload).
// Valid while checkpoints do not overlap (completion_s <= interval * iteration_s + stall_s).
struct PeriodicStretch {
  double start_s = 0;
  int64_t start_iteration = 0;
  double iteration_s = 1;
  int64_t interval = 1;
  double stall_s = 0;
  double completion_s = 0;

  struct State {
    double progress = 0;          // iterations done (fractional)
    double stall_s = 0;           // time spent in stalls since start_s
    int64_t checkpoints_done = 0; // stalls completed since start_s
    bool has_complete = false;    // a checkpoint of this stretch has completed
    int64_t complete_iteration = 0;
    double complete_s = 0;        // when it completed (job time)
  };
  State at(double t_s) const;

  int64_t first_boundary() const { return (start_iteration / interval + 1) * interval; }
  // Job time at which iteration `boundary` (a multiple of interval) ends, before its stall.
  double boundary_end_s(int64_t boundary) const;
};

}  // namespace gemini
