// GPT configurations and the named presets (tiny, small, seed).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemini::real {

struct GptConfig {
  std::string name = "custom";
  int64_t layers = 2;
  int64_t hidden = 64;
  int64_t heads = 4;
  int64_t vocab = 256;
  int64_t seq_len = 32;
  int64_t micro_batch = 8;
  int64_t ffn_hidden = 0;  // 0 means 4 * hidden
  double learning_rate = 3e-3;
  int64_t markov_successors = 4;  // successors per token in the synthetic language

  int64_t ffn() const { return ffn_hidden > 0 ? ffn_hidden : 4 * hidden; }
  // Parameters by formula (tests compare it with the count taken from the built model).
  int64_t expected_parameters() const;
};

// tiny: 2 x 64, vocab 256, seq 32, batch 8 (trains in seconds on 2 cores)
// small: 4 x 256, vocab 2048, seq 128, batch 8
// seed: 12 x 1024, 16 heads, vocab 50257, seq 512, batch 8 (the seed poster's model, ~254M with
//       the untied head)
GptConfig preset(const std::string& name);  // throws std::invalid_argument for unknown names
std::vector<std::string> preset_names();

// A model size as given on a command line: a preset name, or LAYERSxHIDDEN (e.g. 4x256) with
// heads = max(1, hidden / 64), FFN 4 * hidden and everything else (vocab, seq_len, micro_batch,
// learning rate) from `base`. Throws std::invalid_argument with the reason.
GptConfig model_size(const std::string& spec, const GptConfig& base);

}  // namespace gemini::real
