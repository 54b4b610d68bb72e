// Sparse Markov chain language with counter-based sampling (SplitMix64 streams).
#include "synthetic_data.hpp"

#include <cmath>
#include <stdexcept>

namespace gemini::real {
namespace {

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
double uniform01(uint64_t& state) { return (splitmix64(state) >> 11) * 0x1.0p-53; }

}  // namespace

SyntheticLanguage::SyntheticLanguage(int64_t vocab, int64_t successors, uint64_t seed)
    : vocab_(vocab), successors_(successors), seed_(seed) {
  if (vocab < 2 || successors < 1) throw std::invalid_argument("bad synthetic language size");
  uint64_t state = seed ^ 0x5EED5EED5EED5EEDULL;
  next_.resize(static_cast<size_t>(vocab * successors));
  cdf_.resize(next_.size());
  for (int64_t t = 0; t < vocab; ++t) {
    double total = 0;
    for (int64_t k = 0; k < successors; ++k) {
      next_[t * successors + k] = static_cast<int64_t>(splitmix64(state) % vocab);
      const double w = 0.05 + uniform01(state);  // skewed but never zero
      total += w;
      cdf_[t * successors + k] = total;
    }
    for (int64_t k = 0; k < successors; ++k) cdf_[t * successors + k] /= total;
    cdf_[t * successors + successors - 1] = 1.0;
  }
}

void SyntheticLanguage::batch(uint64_t position, int64_t micro_batch, int64_t seq_len,
                              int64_t* inputs, int64_t* targets) const {
  for (int64_t row = 0; row < micro_batch; ++row) {
    uint64_t state = seed_ * 0xD1B54A32D192ED03ULL + position * 0x9E3779B97F4A7C15ULL +
                     static_cast<uint64_t>(row) * 0xC2B2AE3D27D4EB4FULL;
    splitmix64(state);
    int64_t tok = static_cast<int64_t>(splitmix64(state) % vocab_);
    for (int64_t i = 0; i <= seq_len; ++i) {
      if (i < seq_len) inputs[row * seq_len + i] = tok;
      if (i > 0) targets[row * seq_len + i - 1] = tok;
      const double u = uniform01(state);
      const double* cdf = &cdf_[tok * successors_];
      int64_t k = 0;
      while (k + 1 < successors_ && u > cdf[k]) ++k;
      tok = next_[tok * successors_ + k];
    }
  }
}

double SyntheticLanguage::mean_entropy_nats() const {
  double sum = 0;
  for (int64_t t = 0; t < vocab_; ++t) {
    double prev = 0;
    for (int64_t k = 0; k < successors_; ++k) {
      const double p = cdf_[t * successors_ + k] - prev;
      prev = cdf_[t * successors_ + k];
      if (p > 0) sum -= p * std::log(p);
    }
  }
  return sum / static_cast<double>(vocab_);
}

}  // namespace gemini::real
