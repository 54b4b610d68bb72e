// FLOPs of a training iteration by formula (model_flops.hpp), and model sizes given as LxH.
#include "model_flops.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "presets.hpp"

namespace gr = gemini::real;

TEST(ModelFlops, TinyByHand) {
  const gr::GptConfig tiny = gr::preset("tiny");  // 2 x 64, ffn 256, vocab 256, seq 32, batch 8
  // Per layer qkv 64*192 + proj 64*64 + fc_in 64*256 + fc_out 256*64 = 49,152; head 64*256.
  EXPECT_EQ(gr::matmul_parameters(tiny), 2 * 49152 + 16384);
  const gr::IterationFlops f = gr::training_flops(tiny);
  EXPECT_DOUBLE_EQ(f.dense, 6.0 * 114688 * 256);           // 176,160,768
  EXPECT_DOUBLE_EQ(f.attention, 12.0 * 2 * 8 * 32 * 32 * 64);  // 12,582,912
  EXPECT_DOUBLE_EQ(f.total(), 188743680.0);
}

TEST(ModelFlops, MatmulParametersAreTheModelLessEmbeddingsBiasesAndNorms) {
  for (const char* name : {"tiny", "small", "seed"}) {
    const gr::GptConfig m = gr::preset(name);
    const int64_t h = m.hidden, f = m.ffn();
    const int64_t embeddings = m.vocab * h + m.seq_len * h;
    const int64_t per_layer_vectors = 2 * 2 * h + 3 * h + h + f + h;  // LN gains/biases, biases
    EXPECT_EQ(gr::matmul_parameters(m),
              m.expected_parameters() - embeddings - m.layers * per_layer_vectors - 2 * h)
        << name;
  }
}

TEST(ModelFlops, Scaling) {
  const gr::GptConfig base = gr::preset("small");
  const gr::IterationFlops f = gr::training_flops(base);

  gr::GptConfig longer = base;
  longer.seq_len *= 2;
  const gr::IterationFlops fl = gr::training_flops(longer);
  EXPECT_DOUBLE_EQ(fl.attention, 4 * f.attention);  // quadratic in the sequence
  EXPECT_DOUBLE_EQ(fl.dense, 2 * f.dense);
  EXPECT_GT(fl.total(), 2 * f.total());

  gr::GptConfig wider_batch = base;
  wider_batch.micro_batch *= 2;
  EXPECT_DOUBLE_EQ(gr::training_flops(wider_batch).total(), 2 * f.total());  // linear in tokens

  gr::GptConfig deeper = base;
  deeper.layers *= 2;
  const gr::IterationFlops fd = gr::training_flops(deeper);
  EXPECT_DOUBLE_EQ(fd.attention, 2 * f.attention);
  EXPECT_LT(fd.dense, 2 * f.dense);  // the head does not deepen
  EXPECT_GT(fd.dense, f.dense);

  gr::GptConfig narrow_ffn = base;
  narrow_ffn.ffn_hidden = base.hidden;  // ffn 4h -> h: 2 * 3h^2 fewer per layer
  EXPECT_EQ(gr::matmul_parameters(base) - gr::matmul_parameters(narrow_ffn),
            base.layers * 2 * 3 * base.hidden * base.hidden);
}

TEST(ModelSize, PresetsAndShapes) {
  const gr::GptConfig small = gr::preset("small");
  EXPECT_EQ(gr::model_size("tiny", small).hidden, 64);
  EXPECT_EQ(gr::model_size("seed", small).ffn(), 2048);

  const gr::GptConfig m = gr::model_size("2x128", small);
  EXPECT_EQ(m.name, "2x128");
  EXPECT_EQ(m.layers, 2);
  EXPECT_EQ(m.hidden, 128);
  EXPECT_EQ(m.heads, 2);
  EXPECT_EQ(m.ffn(), 512);
  EXPECT_EQ(m.vocab, small.vocab);
  EXPECT_EQ(m.seq_len, small.seq_len);
  EXPECT_EQ(m.micro_batch, small.micro_batch);
  EXPECT_EQ(gr::model_size("1x32", small).heads, 1);

  gr::GptConfig base = small;
  base.seq_len = 64;
  base.ffn_hidden = 100;  // not carried over: LxH means FFN 4h
  const gr::GptConfig s = gr::model_size("4x256", base);
  EXPECT_EQ(s.seq_len, 64);
  EXPECT_EQ(s.ffn(), 1024);
}

TEST(ModelSize, BadSpecs) {
  const gr::GptConfig small = gr::preset("small");
  for (const char* bad : {"3xfoo", "", "x64", "2x", "2x64x3", "big", "0x64", "2x0", "-1x64", "2x200",
                          "99999x64", "2 x 64"}) {
    EXPECT_THROW(gr::model_size(bad, small), std::invalid_argument) << bad;
  }
}
