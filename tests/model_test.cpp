// Tests of model math (model.hpp): parameter counts of known models, FLOPs, checkpoint sizes.
#include "gemini/model.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "gemini/scenario.hpp"  // load_model

namespace gemini {
namespace {

ModelSpec gpt2(int64_t layers, int64_t hidden, int64_t heads) {
  ModelSpec m;
  m.name = "gpt2";
  m.layers = layers;
  m.hidden = hidden;
  m.heads = heads;
  m.vocab = 50257;
  m.seq_len = 1024;
  return m;  // defaults: tied, learned positions, biases, 4h MLP
}

ModelSpec llama3_405b() {
  ModelSpec m;
  m.name = "llama3-405b";
  m.layers = 126;
  m.hidden = 16384;
  m.ffn_hidden = 53248;
  m.heads = 128;
  m.kv_heads = 8;
  m.vocab = 128256;
  m.seq_len = 8192;
  m.gated_mlp = true;
  m.tied_embeddings = false;
  m.learned_positions = false;
  m.biases = false;
  return m;
}

ModelSpec load(const std::string& name) {
  return load_model(std::string(GEMINI_SOURCE_DIR) + "/models/" + name + ".yaml");
}

double params(const ModelSpec& m) { return static_cast<double>(parameter_count(m)); }

TEST(ModelTest, Gpt2XlHas1558MParameters) {
  EXPECT_NEAR(params(gpt2(48, 1600, 25)), 1.558e9, 0.01 * 1.558e9);
  EXPECT_NEAR(params(load("gpt2-xl")), 1.558e9, 0.01 * 1.558e9);
}

TEST(ModelTest, Gpt2SmallHas124MParameters) {
  EXPECT_NEAR(params(gpt2(12, 768, 12)), 124e6, 0.01 * 124e6);
}

TEST(ModelTest, Llama3Has405BParameters) {
  EXPECT_NEAR(params(llama3_405b()), 405e9, 0.01 * 405e9);
  EXPECT_EQ(parameter_count(load("llama3-405b")), parameter_count(llama3_405b()));
}

TEST(ModelTest, SeedModelIsAbout203MNot630M) {
  const double count = params(load("seed-transformer"));
  std::printf("seed-transformer: %.1fM parameters\n", count / 1e6);
  EXPECT_GT(count, 190e6);
  EXPECT_LT(count, 215e6);
}

TEST(ModelTest, PaperModelsHaveTheirNominalSize) {
  EXPECT_NEAR(params(load("gpt2-20b")), 20e9, 0.03 * 20e9);
  EXPECT_NEAR(params(load("gpt2-40b")), 40e9, 0.03 * 40e9);
  EXPECT_NEAR(params(load("gpt2-100b")), 100e9, 0.03 * 100e9);
  EXPECT_NEAR(params(load("bert-100b")), 100e9, 0.03 * 100e9);
  EXPECT_NEAR(params(load("roberta-100b")), 100e9, 0.03 * 100e9);
  // The paper's 10B dimensions (hidden 2560, 46 layers) give only ~3.7B; see gpt2-10b.yaml.
  std::printf("gpt2-10b: %.2fB parameters\n", params(load("gpt2-10b")) / 1e9);
}

TEST(ModelTest, EveryModelFileLoads) {
  int loaded = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(GEMINI_SOURCE_DIR) + "/models")) {
    if (entry.path().extension() != ".yaml") continue;
    const ModelSpec m = load_model(entry.path().string());
    EXPECT_EQ(m.name, entry.path().stem().string()) << entry.path();
    EXPECT_GT(parameter_count(m), 0) << entry.path();
    ++loaded;
  }
  EXPECT_GE(loaded, 9);
}

TEST(ModelTest, BertAddsPoolerTypeEmbeddingAndMlmHead) {
  ModelSpec gpt = gpt2(2, 64, 4);
  ModelSpec bert = gpt;
  bert.family = "bert";
  const int64_t h = 64;
  const int64_t expected_extra = 2 * h                             // token-type embedding
                                 + h * h + h                       // pooler
                                 + h * h + h + 2 * h + gpt.vocab;  // MLM transform, LN, bias
  EXPECT_EQ(parameter_count(bert) - parameter_count(gpt), expected_extra);
}

TEST(ModelTest, UntyingAddsTheOutputProjection) {
  ModelSpec tied = gpt2(2, 64, 4);
  ModelSpec untied = tied;
  untied.tied_embeddings = false;
  EXPECT_EQ(parameter_count(untied) - parameter_count(tied), tied.vocab * 64);
}

TEST(ModelTest, GroupedQueryAttentionShrinksKeyAndValue) {
  ModelSpec full = llama3_405b();
  full.kv_heads = 0;  // 0 means as many as heads
  const int64_t h = full.hidden;
  const int64_t kv = h * 8 / 128;
  EXPECT_EQ(parameter_count(full) - parameter_count(llama3_405b()), full.layers * 2 * h * (h - kv));
}

TEST(ModelTest, FlopsAreSixOrEightTimesParametersTimesTokens) {
  const ModelSpec m = llama3_405b();
  TrainingSpec training;
  training.activation_recomputation = false;
  const double tokens = static_cast<double>(m.seq_len);
  const double p = params(m);
  EXPECT_NEAR(derive_sizes(m, training).flops_per_sequence, 6 * p * tokens, 0.15 * 6 * p * tokens);
  training.activation_recomputation = true;
  EXPECT_NEAR(derive_sizes(m, training).flops_per_sequence, 8 * p * tokens, 0.15 * 8 * p * tokens);
}

TEST(ModelTest, CheckpointBytesAreShardedOverAllGpus) {
  TrainingSpec training;  // 12 bytes per parameter
  const ModelSizes sizes = derive_sizes(load("gpt2-100b"), training);
  EXPECT_DOUBLE_EQ(sizes.checkpoint_bytes, 12.0 * static_cast<double>(sizes.parameters));
  // GEMINI §5: ~9.4 GB of checkpoint per GPU for GPT-2 100B on 16 x 8 GPUs.
  EXPECT_NEAR(checkpoint_bytes_per_gpu(sizes, 128), 9.4e9, 0.05 * 9.4e9);
}

}  // namespace
}  // namespace gemini
