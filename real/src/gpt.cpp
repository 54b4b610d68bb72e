// GPT model and AdamW.
#include "gpt.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/nn/init.h>

#include <cmath>

#include "torch_compat.hpp"

namespace gemini::real {

BlockImpl::BlockImpl(int64_t hidden, int64_t heads, int64_t ffn) : heads_(heads) {
  if (hidden % heads != 0) throw std::invalid_argument("hidden must be divisible by heads");
  ln1_ = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  qkv_ = register_module("qkv", torch::nn::Linear(hidden, 3 * hidden));
  proj_ = register_module("proj", torch::nn::Linear(hidden, hidden));
  ln2_ = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden})));
  fc_in_ = register_module("fc_in", torch::nn::Linear(hidden, ffn));
  fc_out_ = register_module("fc_out", torch::nn::Linear(ffn, hidden));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x) {
  const int64_t b = x.size(0), t = x.size(1), c = x.size(2), d = c / heads_;
  auto qkv = qkv_->forward(ln1_->forward(x)).view({b, t, 3, heads_, d}).permute({2, 0, 3, 1, 4});
  auto att = compat::causal_attention(qkv[0], qkv[1], qkv[2]);  // (B, H, T, D)
  auto y = x + proj_->forward(att.transpose(1, 2).contiguous().view({b, t, c}));
  return y + fc_out_->forward(torch::gelu(fc_in_->forward(ln2_->forward(y))));
}

GptImpl::GptImpl(const GptConfig& config) : config_(config) {
  tok_ = register_module("tok_emb", torch::nn::Embedding(config.vocab, config.hidden));
  pos_ = register_module("pos_emb", torch::nn::Embedding(config.seq_len, config.hidden));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.layers; ++i) {
    blocks_->push_back(Block(config.hidden, config.heads, config.ffn()));
  }
  ln_f_ = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.hidden})));
  head_ = register_module(
      "head", torch::nn::Linear(torch::nn::LinearOptions(config.hidden, config.vocab).bias(false)));
  // GPT-2 initialisation: N(0, 0.02) for matrices and embeddings, zero biases, unit LN gains.
  torch::NoGradGuard no_grad;
  for (auto& p : named_parameters()) {
    const std::string& name = p.key();
    if (name.find("ln") != std::string::npos) continue;  // LayerNorm keeps weight 1, bias 0
    if (p.value().dim() >= 2) {
      torch::nn::init::normal_(p.value(), 0.0, 0.02);
    } else {
      torch::nn::init::zeros_(p.value());
    }
  }
}

torch::Tensor GptImpl::forward(const torch::Tensor& tokens) {
  const int64_t t = tokens.size(1);
  auto positions = torch::arange(t, tokens.options().dtype(torch::kLong));
  auto x = tok_->forward(tokens) + pos_->forward(positions).unsqueeze(0);
  for (const auto& block : *blocks_) x = block->as<Block>()->forward(x);
  return head_->forward(ln_f_->forward(x));
}

int64_t GptImpl::parameter_count() const {
  int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

AdamW::AdamW(std::vector<torch::Tensor> params, AdamWOptions options)
    : params_(std::move(params)), options_(options) {
  for (const auto& p : params_) {
    exp_avg_.push_back(torch::zeros_like(p));
    exp_avg_sq_.push_back(torch::zeros_like(p));
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_) p.mutable_grad().reset();
}

void AdamW::step() {
  torch::NoGradGuard no_grad;
  ++step_;
  const double bc1 = 1.0 - std::pow(options_.beta1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(options_.beta2, static_cast<double>(step_));
  const double step_size = options_.lr / bc1;
  const double bc2_sqrt = std::sqrt(bc2);
  for (size_t i = 0; i < params_.size(); ++i) {
    auto& p = params_[i];
    if (!p.grad().defined()) continue;
    const auto& g = p.grad();
    if (p.dim() >= 2 && options_.weight_decay != 0) p.mul_(1.0 - options_.lr * options_.weight_decay);
    exp_avg_[i].mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
    exp_avg_sq_[i].mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
    auto denom = (exp_avg_sq_[i].sqrt() / bc2_sqrt).add_(options_.eps);
    p.addcdiv_(exp_avg_[i], denom, -step_size);
  }
}

}  // namespace gemini::real
