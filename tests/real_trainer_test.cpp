// Trainer on the tiny preset (CPU): parameter count, loss falls, the state image round-trips
// bit-identically, and resuming from it equals an uninterrupted run.
#include "trainer.hpp"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "state_image.hpp"

namespace gr = gemini::real;

namespace {
gr::TrainerConfig tiny(uint64_t seed = 1234) {
  gr::TrainerConfig c;
  c.model = gr::preset("tiny");
  c.threads = 1;  // tiny runs fastest on one thread, and the test machine is shared
  c.seed = seed;
  return c;
}

std::vector<uint8_t> snapshot(gr::Trainer& t) {
  gr::HostBuffer buf = t.make_buffer();
  const auto r = t.capture(buf);
  return std::vector<uint8_t>(buf.data(), buf.data() + r.bytes);
}
}  // namespace

TEST(Presets, ParameterCounts) {
  gr::Trainer t(tiny());
  EXPECT_EQ(t.parameter_count(), gr::preset("tiny").expected_parameters());
  gr::TrainerConfig small = tiny();
  small.model = gr::preset("small");
  gr::Trainer s(small);
  EXPECT_EQ(s.parameter_count(), small.model.expected_parameters());
  // The seed poster's "630M" model (FFN 2048, untied head, learned positions): 204,251,136.
  const int64_t seed = gr::preset("seed").expected_parameters();
  EXPECT_EQ(seed, 204'251'136);
  EXPECT_THROW(gr::preset("huge"), std::invalid_argument);
}

// --threads must bound the BLAS too: OpenBLAS (Debian's libblas.so.3) ignored torch's setting
// and ran a second, spinning thread per rank.
TEST(Trainer, ThreadCountReachesOpenBlas) {
  using GetThreads = int (*)();
  auto* blas_threads = reinterpret_cast<GetThreads>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (blas_threads == nullptr) GTEST_SKIP() << "the BLAS loaded is not OpenBLAS";
  gr::Trainer t(tiny());
  EXPECT_EQ(blas_threads(), 1);
}

TEST(Trainer, LossFallsOnTinyWithin100Iterations) {
  gr::Trainer t(tiny());
  std::vector<double> losses;
  for (int i = 0; i < 100; ++i) losses.push_back(t.train_step());
  const double first = std::accumulate(losses.begin(), losses.begin() + 10, 0.0) / 10;
  const double last = std::accumulate(losses.end() - 10, losses.end(), 0.0) / 10;
  EXPECT_NEAR(first, std::log(256.0), 0.3);  // starts near uniform over the vocabulary
  EXPECT_LT(last, first - 1.5) << "first " << first << " last " << last;
  EXPECT_GT(last, t.data_entropy_nats() - 0.2);  // cannot beat the language's entropy
  EXPECT_EQ(t.iteration(), 100u);
}

TEST(Trainer, ImageHoldsTheWholeState) {
  gr::Trainer t(tiny());
  t.train_step();
  const auto image = snapshot(t);
  ASSERT_EQ(image.size(), t.image_bytes());
  const auto info = gr::verify_image(image.data(), image.size());
  EXPECT_EQ(info.iteration, 1u);
  const auto b = t.image_breakdown();
  EXPECT_EQ(b.weights_bytes, static_cast<uint64_t>(t.parameter_count()) * 4);
  EXPECT_EQ(b.optimizer_bytes, static_cast<uint64_t>(t.parameter_count()) * 8 + 8);
  std::vector<std::string> names;
  for (const auto& e : info.tensors) names.push_back(e.name);
  for (const char* want : {"model/tok_emb.weight", "optim/exp_avg/head.weight",
                           "optim/exp_avg_sq/blocks.1.fc_out.bias", "optim/step", "rng/cpu",
                           "data/seed", "data/position", "train/iteration"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
}

TEST(Trainer, RestoreThenCaptureIsBitIdentical) {
  gr::Trainer t(tiny());
  for (int i = 0; i < 5; ++i) t.train_step();
  const auto at5 = snapshot(t);
  for (int i = 0; i < 3; ++i) t.train_step();
  EXPECT_NE(snapshot(t), at5);
  t.restore(at5.data(), at5.size());
  EXPECT_EQ(t.iteration(), 5u);
  EXPECT_EQ(snapshot(t), at5);
}

TEST(Trainer, ResumeEqualsUninterruptedRun) {
  gr::Trainer a(tiny());
  for (int i = 0; i < 6; ++i) a.train_step();
  const auto at6 = snapshot(a);
  std::vector<double> expected;
  for (int i = 0; i < 8; ++i) expected.push_back(a.train_step());

  // A fresh trainer built from a different seed: everything must come from the image.
  gr::Trainer b(tiny(999));
  b.train_step();
  b.restore(at6.data(), at6.size());
  std::vector<double> resumed;
  for (int i = 0; i < 8; ++i) resumed.push_back(b.train_step());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(resumed[i], expected[i]) << "step " << i;
  EXPECT_EQ(snapshot(a), snapshot(b));
}

TEST(Trainer, RestoreRejectsAnotherModel) {
  gr::TrainerConfig other = tiny();
  other.model.layers = 3;
  gr::Trainer big(other);
  const auto image = snapshot(big);
  gr::Trainer t(tiny());
  EXPECT_THROW(t.restore(image.data(), image.size()), std::runtime_error);
}

TEST(Trainer, CudaRequestWithoutCudaIsAnError) {
  if (gr::Trainer::cuda_available()) GTEST_SKIP() << "CUDA present";
  gr::TrainerConfig c = tiny();
  c.device = "cuda";
  EXPECT_THROW(gr::Trainer{c}, std::invalid_argument);
}

// The flat gradient buffer on the trainer's device (the NCCL reducer's path; the device is the
// CPU here) and in host memory must give the same training, bit for bit, and a reducer sees the
// gradients and the loss last. A reducer that doubles everything with data_world = 2 stands in
// for two ranks with identical gradients: the mean is the rank's own gradient again.
TEST(Trainer, DeviceAndHostReducersTrainIdentically) {
  auto run = [](bool device_memory, bool with_reducer) {
    gr::TrainerConfig c = tiny();
    c.data_world = 2;
    gr::Trainer t(c);
    size_t seen = 0;
    float last = 0;
    gr::GradientReducer doubled{[&](float* data, size_t n) {
                                  seen = n;
                                  for (size_t i = 0; i < n; ++i) data[i] *= 2;
                                  last = data[n - 1];
                                },
                                device_memory};
    std::vector<double> losses;
    for (int i = 0; i < 4; ++i) losses.push_back(with_reducer ? t.train_step(doubled) : t.train_step());
    if (with_reducer) {
      EXPECT_EQ(seen, static_cast<size_t>(t.parameter_count()) + 1);
      EXPECT_FLOAT_EQ(last / 2, static_cast<float>(losses.back()));
    }
    return std::make_pair(losses, snapshot(t));
  };
  const auto host = run(false, true);
  const auto device = run(true, true);
  EXPECT_EQ(host.first, device.first);
  EXPECT_TRUE(host.second == device.second) << "the images differ";
  // Without a reducer the same data_rank 0 batches train the same way (x2 / 2 is exact).
  const auto alone = run(false, false);
  EXPECT_EQ(alone.first, host.first);
  EXPECT_TRUE(alone.second == host.second);
}
