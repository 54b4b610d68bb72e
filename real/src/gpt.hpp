// Decoder-only GPT (token + learned position embeddings, pre-LN blocks with causal multi-head
// self-attention and a GELU MLP, final LayerNorm, untied output head) and AdamW.
#pragma once
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

#include "presets.hpp"

namespace gemini::real {

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t hidden, int64_t heads, int64_t ffn);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t heads_;
  torch::nn::LayerNorm ln1_{nullptr}, ln2_{nullptr};
  torch::nn::Linear qkv_{nullptr}, proj_{nullptr}, fc_in_{nullptr}, fc_out_{nullptr};
};
TORCH_MODULE(Block);

class GptImpl : public torch::nn::Module {
 public:
  explicit GptImpl(const GptConfig& config);
  torch::Tensor forward(const torch::Tensor& tokens);  // (B, T) int64 -> (B, T, vocab) logits
  int64_t parameter_count() const;

 private:
  GptConfig config_;
  torch::nn::Embedding tok_{nullptr}, pos_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::LayerNorm ln_f_{nullptr};
  torch::nn::Linear head_{nullptr};
};
TORCH_MODULE(Gpt);

// AdamW with the same update as torch::optim::AdamW (decoupled weight decay, bias correction).
// Our own so that its state (moments, step) is plain tensors we capture and restore without
// depending on LibTorch's version-specific optimizer state maps. Weight decay applies to
// matrices only (dim >= 2), as usual for GPT training.
struct AdamWOptions {
  double lr = 3e-4;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

class AdamW {
 public:
  AdamW(std::vector<torch::Tensor> params, AdamWOptions options);
  void zero_grad();
  void step();
  int64_t step_count() const { return step_; }
  void set_step_count(int64_t step) { step_ = step; }
  std::vector<torch::Tensor>& exp_avg() { return exp_avg_; }
  std::vector<torch::Tensor>& exp_avg_sq() { return exp_avg_sq_; }

 private:
  std::vector<torch::Tensor> params_, exp_avg_, exp_avg_sq_;
  AdamWOptions options_;
  int64_t step_ = 0;
};

}  // namespace gemini::real
