// Floating-point operations of one training iteration of real/'s GPT (forward + backward), by
// formula, so that a measured iteration time becomes an effective FLOP/s.
//
// Dense part: 6 * N_matmul * tokens, tokens = micro_batch * seq_len. N_matmul counts the weight
// matrices every token multiplies (per layer qkv h x 3h, attention output h x h, MLP h x ffn and
// ffn x h; once the untied LM head h x vocab). A multiply-add is 2 FLOPs; the forward is
// 2 * N_matmul per token and the backward twice that (gradients of the inputs and of the
// weights). Left out: embeddings (lookups, no matmul), biases and LayerNorms (O(h) per token),
// GELU, softmax, the loss and AdamW (O(parameters) per iteration, not per token).
// Attention part: per layer the scores Q K^T and the weighted values A V are each
// 2 * micro_batch * seq_len^2 * hidden FLOPs forward (summed over heads), x3 with the backward:
// 12 * layers * micro_batch * seq_len^2 * hidden. The full seq_len^2 is counted, not half: the
// causal mask is applied to a full score matrix (LibTorch 1.13 path), so the work is done.
#pragma once
#include <cstdint>

#include "presets.hpp"

namespace gemini::real {

struct IterationFlops {
  double dense = 0;      // 6 * N_matmul * tokens
  double attention = 0;  // 12 * layers * micro_batch * seq_len^2 * hidden
  double total() const { return dense + attention; }
};

int64_t matmul_parameters(const GptConfig& model);  // N_matmul above
IterationFlops training_flops(const GptConfig& model);

}  // namespace gemini::real
