// FLOPs of a training iteration by formula (see model_flops.hpp for what is counted).
#include "model_flops.hpp"

namespace gemini::real {

int64_t matmul_parameters(const GptConfig& m) {
  const int64_t h = m.hidden, f = m.ffn();
  const int64_t per_layer = h * 3 * h + h * h + h * f + f * h;  // qkv, proj, fc_in, fc_out
  return m.layers * per_layer + h * m.vocab;                    // + untied head
}

IterationFlops training_flops(const GptConfig& m) {
  // In doubles: the products overflow int64 long before a model stops fitting any machine.
  const double tokens = static_cast<double>(m.micro_batch) * static_cast<double>(m.seq_len);
  const double s = static_cast<double>(m.seq_len);
  IterationFlops f;
  f.dense = 6.0 * static_cast<double>(matmul_parameters(m)) * tokens;
  f.attention = 12.0 * static_cast<double>(m.layers) * tokens * s * static_cast<double>(m.hidden);
  return f;
}

}  // namespace gemini::real
