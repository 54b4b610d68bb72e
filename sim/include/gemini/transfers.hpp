// Checkpoint data movements as SimGrid flows: uploads to and reads from persistent storage,
// restores from local or peer CPU memory. Flows that share the storage link contend there.
#pragma once
#include <simgrid/s4u/Comm.hpp>
#include <vector>

#include "gemini/platform.hpp"

namespace gemini {

using Flows = std::vector<simgrid::s4u::CommPtr>;

// "Every machine moves the same bytes through the storage" is simulated as one cohort flow of N
// times the bytes: under max-min sharing it finishes when N identical flows would, as long as
// nothing else uses the storage link meanwhile, which holds here (a failure aborts uploads
// before any recovery reads). Starting flows dominates a trial's cost, so this is used from two
// machines up.
constexpr size_t kCohortAboveMachines = 1;

Flows start_storage_reads(const Platform& platform, const std::vector<int>& machines, double bytes_each);
Flows start_storage_writes(const Platform& platform, double bytes_each);
// From CPU memory of `from` to the GPUs of `to` (from == to: over the local PCIe path).
simgrid::s4u::CommPtr start_memory_restore(const Platform& platform, int from, int to, double bytes);

// Waits for every flow, at most `timeout_s` (< 0: no limit); cancels the unfinished ones.
// Returns true when all finished.
bool wait_flows(Flows& flows, double timeout_s);
// True (and forgets them) when every flow has already finished.
bool flows_done(Flows& flows);

}  // namespace gemini
