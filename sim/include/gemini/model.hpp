// Model architectures and the sizes derived from them (parameters, checkpoint bytes, FLOPs).
#pragma once
#include <cstdint>
#include <string>

namespace gemini {

// One Transformer architecture, as written in models/*.yaml.
struct ModelSpec {
  std::string name;
  std::string family = "gpt";   // gpt (decoder, causal) | bert (encoder; adds pooler + type emb)
  int64_t layers = 0;
  int64_t hidden = 0;
  int64_t ffn_hidden = 0;       // 0 means 4 * hidden
  int64_t heads = 0;
  int64_t kv_heads = 0;         // 0 means heads (no grouped-query attention)
  int64_t vocab = 0;
  int64_t seq_len = 0;
  bool gated_mlp = false;       // SwiGLU-style MLP (three matrices), as in Llama
  bool tied_embeddings = true;  // output projection shares the token embedding
  bool learned_positions = true;  // learned position embedding table (GPT-2, BERT)
  bool biases = true;           // linear layers carry biases (GPT-2/BERT yes, Llama no)
};

// How the model is trained: precision, optimizer and sharding choices that change sizes.
struct TrainingSpec {
  int64_t micro_batch = 8;
  double checkpoint_bytes_per_param = 12.0;  // fp32 master + Adam m and v
  double weight_bytes_per_param = 2.0;       // fp16/bf16 working copy used by collectives
  bool activation_recomputation = true;      // recompute forward in backward (4 passes not 3)
  int zero_stage = 3;
};

struct ModelSizes {
  int64_t parameters = 0;
  double checkpoint_bytes = 0;          // whole model state, all ranks
  double flops_per_sequence = 0;        // forward + backward (+ recomputation) for one sequence
};

ModelSizes derive_sizes(const ModelSpec& model, const TrainingSpec& training);
int64_t parameter_count(const ModelSpec& model);
// Bytes of checkpoint each GPU holds under ZeRO-3 (every GPU holds 1/total_gpus of the states).
double checkpoint_bytes_per_gpu(const ModelSizes& sizes, int64_t total_gpus);

}  // namespace gemini
