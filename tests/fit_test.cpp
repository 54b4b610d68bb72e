// Tests of the linear cost fit (calibrate/include/gemini/calibrate/fit.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gemini/calibrate/fit.hpp"

using namespace gemini::calibrate;

namespace {
std::vector<CostSample> line(double alpha, double beta, std::vector<double> sizes) {
  std::vector<CostSample> s;
  for (double b : sizes) s.push_back({b, alpha + b / beta});
  return s;
}
const std::vector<double> kSizes = {1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30, 4.0 * (1 << 30)};
}  // namespace

TEST(fit_test, recovers_noiseless_line_exactly) {
  for (auto w : {FitWeighting::relative, FitWeighting::absolute}) {
    const auto f = fit_linear_cost(line(25e-6, 12.5e9, kSizes), w);
    EXPECT_NEAR(f.alpha_s, 25e-6, 25e-6 * 1e-9);
    EXPECT_NEAR(f.beta_bytes_per_s, 12.5e9, 12.5e9 * 1e-9);
    EXPECT_NEAR(f.r_squared, 1.0, 1e-12);
    EXPECT_FALSE(f.alpha_clamped);
    ASSERT_EQ(f.residuals_s.size(), kSizes.size());
    for (double r : f.residuals_s) EXPECT_NEAR(r, 0.0, 1e-12);
    EXPECT_EQ(f.points, 7);
    EXPECT_EQ(f.distinct_sizes, 7);
    EXPECT_NEAR(f.seconds(1e9), 25e-6 + 1e9 / 12.5e9, 1e-12);
  }
}

TEST(fit_test, two_points_suffice) {
  const auto f = fit_linear_cost(line(0.01, 1e9, {1e6, 1e8}));
  EXPECT_NEAR(f.alpha_s, 0.01, 1e-12);
  EXPECT_NEAR(f.beta_bytes_per_s, 1e9, 1e-3);
  EXPECT_DOUBLE_EQ(f.r_squared, 1.0);
}

TEST(fit_test, repeated_sizes_are_averaged) {
  // Two samples per size symmetric around the line: the fit goes through the middle.
  std::vector<CostSample> s;
  for (double b : {1e6, 1e7, 1e8}) {
    s.push_back({b, 1e-3 + b / 1e9 + 1e-4});
    s.push_back({b, 1e-3 + b / 1e9 - 1e-4});
  }
  const auto f = fit_linear_cost(s, FitWeighting::absolute);
  EXPECT_NEAR(f.alpha_s, 1e-3, 1e-9);
  EXPECT_NEAR(f.beta_bytes_per_s, 1e9, 1e3);
  EXPECT_LT(f.r_squared, 1.0);
  EXPECT_EQ(f.distinct_sizes, 3);
  EXPECT_EQ(f.points, 6);
}

TEST(fit_test, approximately_recovers_noisy_line) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> noise(0.0, 0.02);  // 2% multiplicative noise
  std::vector<CostSample> s;
  for (int rep = 0; rep < 20; ++rep)
    for (double b : kSizes) s.push_back({b, (50e-6 + b / 25e9) * (1.0 + noise(rng))});
  const auto f = fit_linear_cost(s);
  EXPECT_NEAR(f.beta_bytes_per_s / 25e9, 1.0, 0.02);
  EXPECT_NEAR(f.alpha_s / 50e-6, 1.0, 0.1);
  EXPECT_GT(f.r_squared, 0.99);
  EXPECT_LT(f.max_relative_residual, 0.15);
}

TEST(fit_test, negative_intercept_is_clamped_to_zero) {
  // Points on a line with a negative intercept: the constrained optimum has alpha = 0.
  const auto f = fit_linear_cost(line(-1e-3, 1e9, {1e7, 1e8, 1e9}), FitWeighting::absolute);
  EXPECT_TRUE(f.alpha_clamped);
  EXPECT_EQ(f.alpha_s, 0.0);
  EXPECT_GT(f.beta_bytes_per_s, 0.0);
}

TEST(fit_test, rejects_bad_input) {
  EXPECT_THROW(fit_linear_cost({}), FitError);
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}}), FitError);
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}, {1e6, 2e-3}}), FitError);  // one distinct size
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}, {2e6, 0.0}}), FitError);
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}, {-2e6, 1e-3}}), FitError);
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}, {2e6, NAN}}), FitError);
  EXPECT_THROW(fit_linear_cost({{1e6, 1e-3}, {2e6, INFINITY}}), FitError);
  // Time falling with size: no bandwidth.
  EXPECT_THROW(fit_linear_cost({{1e6, 2e-3}, {2e6, 1e-3}}), FitError);
  try {
    fit_linear_cost({{1e6, 1e-3}});
  } catch (const FitError& e) {
    EXPECT_NE(std::string(e.what()).find("2 distinct sizes"), std::string::npos);
  }
}
