// Least-squares fit of the linear transfer-cost model cost(bytes) = alpha_s + bytes / beta.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace gemini::calibrate {

struct FitError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct CostSample {
  double bytes = 0;
  double seconds = 0;
};

enum class FitWeighting {
  absolute,  // ordinary least squares on seconds: large sizes dominate
  relative,  // minimise squared relative errors (weights 1/t^2): every size counts alike
};

struct LinearCostFit {
  double alpha_s = 0;               // fixed cost per transfer
  double beta_bytes_per_s = 0;      // asymptotic bandwidth
  double r_squared = 0;             // 1 - SS_res / SS_tot on seconds (unweighted)
  std::vector<double> residuals_s;  // measured - predicted, in input order
  double max_relative_residual = 0; // max |residual| / measured
  int points = 0;
  int distinct_sizes = 0;
  FitWeighting weighting = FitWeighting::relative;
  // The unconstrained optimum had alpha < 0 (meaningless); the fit was redone with alpha = 0,
  // which is the optimum under the constraint alpha >= 0.
  bool alpha_clamped = false;

  double seconds(double bytes) const { return alpha_s + bytes / beta_bytes_per_s; }
};

// Fits alpha and beta to the samples. Throws FitError when there are fewer than 2 distinct
// sizes, when a value is not finite, bytes < 0 or seconds <= 0, or when the fitted slope is not
// positive (time does not grow with size, so no bandwidth can be derived).
LinearCostFit fit_linear_cost(const std::vector<CostSample>& samples,
                              FitWeighting weighting = FitWeighting::relative);

const char* to_string(FitWeighting weighting);

}  // namespace gemini::calibrate
