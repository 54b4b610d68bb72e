// GEMINI Algorithm 2 (traffic interleaving): greedy packing of checkpoint chunks.
#include "gemini/interleave.hpp"

#include <algorithm>
#include <cmath>

namespace gemini {

ChunkPacking pack_checkpoint_chunks(const std::vector<Span>& idle_spans, double bytes,
                                    double buffer_bytes, int sub_buffers, const LinearCost& f,
                                    double safety_factor) {
  ChunkPacking p;
  p.chunk_bytes = buffer_bytes / sub_buffers;
  p.chunk_time_s = f.seconds(p.chunk_bytes);
  p.total_chunks = bytes > 0 ? static_cast<int64_t>(std::ceil(bytes / p.chunk_bytes)) : 0;
  int64_t remaining = p.total_chunks;
  for (const Span& span : idle_spans) {
    const auto fit = static_cast<int64_t>(std::floor(safety_factor * span.length_s() / p.chunk_time_s));
    const int64_t used = std::min(remaining, std::max<int64_t>(fit, 0));
    p.chunks_in_span.push_back(used);
    remaining -= used;
  }
  p.leftover_chunks = remaining;
  return p;
}

}  // namespace gemini
