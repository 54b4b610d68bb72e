// Parameter counts, checkpoint sizes and training FLOPs of a Transformer (model.hpp).
#include "gemini/model.hpp"

#include <algorithm>

namespace gemini {
namespace {

int64_t ffn_hidden_of(const ModelSpec& m) { return m.ffn_hidden > 0 ? m.ffn_hidden : 4 * m.hidden; }

// Width of K and V: grouped-query attention shares each K/V head among heads/kv_heads heads.
int64_t kv_dim_of(const ModelSpec& m) {
  if (m.heads <= 0 || m.kv_heads <= 0) return m.hidden;
  return m.hidden * m.kv_heads / m.heads;
}

// LayerNorm has a gain and a bias; RMSNorm (the bias-free models) only a gain.
int64_t norm_params(const ModelSpec& m) { return m.biases ? 2 * m.hidden : m.hidden; }

// Tables that are looked up, not multiplied: they cost memory but no FLOPs.
int64_t embedding_table_params(const ModelSpec& m) {
  int64_t params = m.vocab * m.hidden;
  if (m.learned_positions) params += m.seq_len * m.hidden;
  if (m.family == "bert") params += 2 * m.hidden;  // token-type (segment A/B) embedding
  return params;
}

int64_t layer_params(const ModelSpec& m) {
  const int64_t h = m.hidden;
  const int64_t kv = kv_dim_of(m);
  const int64_t ffn = ffn_hidden_of(m);
  int64_t attention = h * h + 2 * h * kv + h * h;  // Q, K, V, output
  int64_t mlp = (m.gated_mlp ? 3 : 2) * h * ffn;
  if (m.biases) {
    attention += h + 2 * kv + h;
    mlp += m.gated_mlp ? 2 * ffn + h : ffn + h;
  }
  return attention + mlp + 2 * norm_params(m);
}

// Everything after the last layer: final norm, output projection, BERT's pooler and MLM head.
int64_t head_params(const ModelSpec& m) {
  const int64_t h = m.hidden;
  int64_t params = norm_params(m);
  if (!m.tied_embeddings) params += m.vocab * h;
  if (m.family == "bert") {
    params += h * h + h;                    // pooler
    params += h * h + h + 2 * h + m.vocab;  // MLM transform, its LayerNorm, output bias
  }
  return params;
}

}  // namespace

int64_t parameter_count(const ModelSpec& model) {
  return embedding_table_params(model) + model.layers * layer_params(model) + head_params(model);
}

// Training FLOPs of one sequence of seq_len tokens (a multiply-add counts as 2 FLOPs):
//   matmul_params = parameters - embedding tables + vocab*hidden when the output projection is
//                   tied (its matmul still runs; it just has no parameters of its own)
//   forward       = 2 * matmul_params * seq_len          (every weight once per token)
//                 + 4 * layers * seq_len^2 * hidden      (Q K^T and attention x V, no causal
//                                                         saving counted)
//   total         = passes * forward, passes = 1 forward + 2 backward (+1 forward recomputed
//                   when activation_recomputation), i.e. ~6 (or 8) * params * tokens.
ModelSizes derive_sizes(const ModelSpec& model, const TrainingSpec& training) {
  ModelSizes sizes;
  sizes.parameters = parameter_count(model);
  sizes.checkpoint_bytes =
      static_cast<double>(sizes.parameters) * training.checkpoint_bytes_per_param;
  int64_t matmul_params = sizes.parameters - embedding_table_params(model);
  if (model.tied_embeddings) matmul_params += model.vocab * model.hidden;
  const double seq = static_cast<double>(model.seq_len);
  const double forward =
      2.0 * static_cast<double>(matmul_params) * seq +
      4.0 * static_cast<double>(model.layers) * seq * seq * static_cast<double>(model.hidden);
  const double passes = training.activation_recomputation ? 4.0 : 3.0;
  sizes.flops_per_sequence = passes * forward;
  return sizes;
}

double checkpoint_bytes_per_gpu(const ModelSizes& sizes, int64_t total_gpus) {
  return sizes.checkpoint_bytes / static_cast<double>(std::max<int64_t>(1, total_gpus));
}

}  // namespace gemini
