// A deterministic, learnable synthetic language: a fixed random sparse Markov chain over the
// vocabulary (each token has a few successors with random probabilities), drawn from a seed.
// Batches are counter-based: batch(i) depends only on (seed, i), so resuming at iteration i
// reproduces exactly the batches an uninterrupted run would have seen.
#pragma once
#include <cstdint>
#include <vector>

namespace gemini::real {

class SyntheticLanguage {
 public:
  SyntheticLanguage(int64_t vocab, int64_t successors, uint64_t seed);

  // Fills inputs and targets (each micro_batch * seq_len tokens, row-major) for `position`.
  void batch(uint64_t position, int64_t micro_batch, int64_t seq_len, int64_t* inputs,
             int64_t* targets) const;

  // Mean next-token entropy over tokens (nats): the loss floor, roughly.
  double mean_entropy_nats() const;

 private:
  int64_t vocab_;
  int64_t successors_;
  uint64_t seed_;
  std::vector<int64_t> next_;  // vocab x successors
  std::vector<double> cdf_;    // vocab x successors, cumulative probabilities
};

}  // namespace gemini::real
