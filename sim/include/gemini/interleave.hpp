// GEMINI Algorithm 2: pack checkpoint chunks into the network's idle spans of one iteration.
#pragma once
#include <cstdint>
#include <vector>

#include "gemini/hardware.hpp"

namespace gemini {

struct Span {
  double start_s = 0;
  double end_s = 0;
  double length_s() const { return end_s - start_s; }
};

struct ChunkPacking {
  double chunk_bytes = 0;   // R / p
  double chunk_time_s = 0;  // f(R / p)
  int64_t total_chunks = 0;
  std::vector<int64_t> chunks_in_span;  // one entry per idle span (the final unbounded one excluded)
  int64_t leftover_chunks = 0;          // sent after the last training traffic: lengthens the iteration
};

// bytes: checkpoint traffic one machine sends per checkpoint. Each idle span holds
// floor(mu * length / f(R/p)) chunks, greedily in order; the rest go to the unbounded last span.
ChunkPacking pack_checkpoint_chunks(const std::vector<Span>& idle_spans, double bytes,
                                    double buffer_bytes, int sub_buffers, const LinearCost& f,
                                    double safety_factor);

}  // namespace gemini
