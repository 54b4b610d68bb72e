// Named GPT presets.
#include "presets.hpp"

#include <stdexcept>

namespace gemini::real {

int64_t GptConfig::expected_parameters() const {
  const int64_t h = hidden, f = ffn();
  const int64_t per_layer = 2 * 2 * h          // two LayerNorms
                            + h * 3 * h + 3 * h  // qkv
                            + h * h + h          // attention output
                            + h * f + f          // MLP in
                            + f * h + h;         // MLP out
  return vocab * h + seq_len * h + layers * per_layer + 2 * h + h * vocab;
}

GptConfig preset(const std::string& name) {
  GptConfig c;
  c.name = name;
  if (name == "tiny") {
    c.layers = 2, c.hidden = 64, c.heads = 4, c.vocab = 256, c.seq_len = 32, c.micro_batch = 8;
    c.learning_rate = 3e-3;
  } else if (name == "small") {
    c.layers = 4, c.hidden = 256, c.heads = 8, c.vocab = 2048, c.seq_len = 128, c.micro_batch = 8;
    c.learning_rate = 1e-3;
  } else if (name == "seed") {
    // ffn 2048: the seed used nn.TransformerEncoderLayer, whose dim_feedforward defaults to 2048
    // (models/seed-transformer.yaml says the same).
    c.layers = 12, c.hidden = 1024, c.heads = 16, c.vocab = 50257, c.seq_len = 512, c.ffn_hidden = 2048;
    c.micro_batch = 8, c.learning_rate = 3e-4, c.markov_successors = 8;
  } else {
    throw std::invalid_argument("unknown preset '" + name + "' (tiny, small, seed)");
  }
  return c;
}

std::vector<std::string> preset_names() { return {"tiny", "small", "seed"}; }

}  // namespace gemini::real
