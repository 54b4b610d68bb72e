// Named GPT presets.
#include "presets.hpp"

#include <algorithm>
#include <regex>
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

GptConfig model_size(const std::string& spec, const GptConfig& base) {
  const auto names = preset_names();
  if (std::find(names.begin(), names.end(), spec) != names.end()) return preset(spec);
  std::smatch m;
  const std::regex shape("([0-9]{1,4})x([0-9]{1,5})");  // digit limits keep stoll in range
  if (!std::regex_match(spec, m, shape)) {
    throw std::invalid_argument("bad model size '" + spec +
                                "': expected a preset (tiny, small, seed) or LAYERSxHIDDEN such as 4x256");
  }
  GptConfig c = base;
  c.name = spec;
  c.layers = std::stoll(m[1]);
  c.hidden = std::stoll(m[2]);
  c.heads = std::max<int64_t>(1, c.hidden / 64);
  c.ffn_hidden = 0;
  if (c.layers < 1 || c.hidden < 1) {
    throw std::invalid_argument("bad model size '" + spec + "': layers and hidden must be >= 1");
  }
  if (c.hidden % c.heads != 0) {
    throw std::invalid_argument("bad model size '" + spec + "': hidden " + std::to_string(c.hidden) +
                                " is not divisible by its " + std::to_string(c.heads) +
                                " heads (hidden / 64); use a multiple of 64");
  }
  return c;
}

}  // namespace gemini::real
