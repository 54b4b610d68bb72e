// Weighted linear least squares for cost(bytes) = alpha_s + bytes / beta (Eigen QR).
#include "gemini/calibrate/fit.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <Eigen/Dense>

namespace gemini::calibrate {

namespace {
// Solves min sum w_i (t_i - a - b x_i)^2, or with a fixed at 0 when `through_origin`.
// x is scaled to [0, 1] first so that the columns are comparable (bytes reach 1e10).
void solve(const std::vector<CostSample>& s, const std::vector<double>& w, bool through_origin,
           double& alpha, double& slope) {
  const Eigen::Index n = static_cast<Eigen::Index>(s.size());
  double x_max = 0;
  for (const auto& p : s) x_max = std::max(x_max, p.bytes);
  const int cols = through_origin ? 1 : 2;
  Eigen::MatrixXd a(n, cols);
  Eigen::VectorXd b(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double sw = std::sqrt(w[static_cast<size_t>(i)]);
    const auto& p = s[static_cast<size_t>(i)];
    if (through_origin) {
      a(i, 0) = sw * p.bytes / x_max;
    } else {
      a(i, 0) = sw;
      a(i, 1) = sw * p.bytes / x_max;
    }
    b(i) = sw * p.seconds;
  }
  const Eigen::VectorXd c = a.colPivHouseholderQr().solve(b);
  alpha = through_origin ? 0.0 : c(0);
  slope = c(cols - 1) / x_max;
}
}  // namespace

const char* to_string(FitWeighting weighting) {
  return weighting == FitWeighting::absolute ? "absolute" : "relative";
}

LinearCostFit fit_linear_cost(const std::vector<CostSample>& samples, FitWeighting weighting) {
  std::set<double> sizes;
  for (const auto& p : samples) {
    if (!std::isfinite(p.bytes) || !std::isfinite(p.seconds))
      throw FitError("fit: sample values must be finite");
    if (p.bytes < 0) throw FitError("fit: bytes must be >= 0");
    if (p.seconds <= 0) throw FitError("fit: seconds must be > 0");
    sizes.insert(p.bytes);
  }
  if (sizes.size() < 2)
    throw FitError("fit: need at least 2 distinct sizes, got " + std::to_string(sizes.size()));

  std::vector<double> w(samples.size(), 1.0);
  if (weighting == FitWeighting::relative)
    for (size_t i = 0; i < samples.size(); ++i) w[i] = 1.0 / (samples[i].seconds * samples[i].seconds);

  LinearCostFit fit;
  fit.weighting = weighting;
  fit.points = static_cast<int>(samples.size());
  fit.distinct_sizes = static_cast<int>(sizes.size());
  double alpha = 0, slope = 0;
  solve(samples, w, false, alpha, slope);
  if (alpha < 0) {
    fit.alpha_clamped = true;
    solve(samples, w, true, alpha, slope);
  }
  if (!(slope > 0) || !std::isfinite(slope))
    throw FitError("fit: time does not grow with size (slope " + std::to_string(slope) +
                   " s/byte); no bandwidth can be derived");
  fit.alpha_s = alpha;
  fit.beta_bytes_per_s = 1.0 / slope;

  double mean = 0;
  for (const auto& p : samples) mean += p.seconds;
  mean /= static_cast<double>(samples.size());
  double ss_res = 0, ss_tot = 0;
  for (const auto& p : samples) {
    const double r = p.seconds - (alpha + slope * p.bytes);
    fit.residuals_s.push_back(r);
    fit.max_relative_residual = std::max(fit.max_relative_residual, std::fabs(r) / p.seconds);
    ss_res += r * r;
    ss_tot += (p.seconds - mean) * (p.seconds - mean);
  }
  fit.r_squared = ss_tot > 0 ? 1.0 - ss_res / ss_tot : (ss_res == 0 ? 1.0 : 0.0);
  return fit;
}

}  // namespace gemini::calibrate
