// The run replayed save by save and failure by failure with the predicted costs: every
// checkpoint real/ took (which tiers then hold it), each failure's recovery point, tier and
// retrieval. compare_model.cpp turns the predictions into rows and engine inputs.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "compare_costs.hpp"

namespace gemini::compare {

struct FailurePrediction {
  int64_t resumed = 0;  // the iteration every rank can load
  int64_t lost = 0;     // iterations trained again
  std::string tier = "none";  // "mixed" when the ranks load from different tiers
  std::map<std::string, int> tiers;
  std::vector<std::string> rank_tiers;  // each rank's ("none" where no checkpoint is common)
  double retrieval_s = 0, load_s = 0;
  // Own-memory retrieval charged at memory-retrieval-busiest's cost for the recovery's layout.
  bool retrieval_by_layout = false;
};

// Predicted seconds, one entry per rank and save (stalls, stores) or per save (copies).
struct Replay {
  std::vector<double> stall, copies, sums, disk_saves, puts, backgrounds;
  // The memory saves into a slot the rank's process had not touched yet, and the rest (together:
  // every memory save).
  std::vector<double> memory_saves_untouched_slot, memory_saves_touched_slot;
  std::vector<double> frequent_stalls;  // the memory strategies' slowest rank per frequent save
  std::vector<double> stall_memory_only, stall_with_disk;  // per rank, the memory strategies' two kinds
  std::vector<FailurePrediction> failures;
  double total_stall_s = 0;  // training waits for the slowest rank at every save
  int64_t trained_iterations = 0;
  int disk_rounds = 0, disk_rounds_from_starts = 0;
};

// real/ hands a checkpoint to its replication thread when the next step's all-reduce returns
// (once every rank has saved): about one step after the save, the update after the all-reduce
// being a small part of a step.
inline double replication_start_delay_s(const MeasuredRun& run) { return run.step_mean_s; }

Replay replay_run(const RunCosts& costs);

}  // namespace gemini::compare
