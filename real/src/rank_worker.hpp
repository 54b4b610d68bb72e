// One data-parallel training rank (gemini-train with WORLD_SIZE set, normally started by
// gemini-launch): rendezvous, recovery from the newest checkpoint every rank can load, training
// with a gradient all-reduce, and checkpoints by strategy (disk, memory, gemini = memory + peer
// replicas sent in the background). Events go to <run_dir>/rank<R>.events.jsonl.
#pragma once
#include "monotonic_clock.hpp"  // monotonic_s, used with the rank's event times
#include "rank_options.hpp"

namespace gemini::real {

// Exit codes of a rank.
constexpr int kRankOk = 0;
constexpr int kRankError = 1;       // a bug or an unusable configuration
constexpr int kRankBadFlags = 2;
constexpr int kRankPeerFailure = 3;  // a collective failed: a peer died or hung

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (and GEMINI_GENERATION) from the
// environment and trains. Returns the exit code.
int run_rank(const RankOptions& options);

}  // namespace gemini::real
