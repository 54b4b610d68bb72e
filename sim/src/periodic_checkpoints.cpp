// Closed-form position inside a stretch with periodic blocking checkpoints.
#include "gemini/periodic_checkpoints.hpp"

#include <cmath>

namespace gemini {

double PeriodicStretch::boundary_end_s(int64_t boundary) const {
  const int64_t before = (boundary - first_boundary()) / interval;  // boundaries passed before it
  return start_s + static_cast<double>(boundary - start_iteration) * iteration_s + static_cast<double>(before) * stall_s;
}

PeriodicStretch::State PeriodicStretch::at(double t_s) const {
  State st;
  const double dt = t_s - start_s;
  const int64_t b1 = first_boundary();
  const double lead_s = static_cast<double>(b1 - start_iteration) * iteration_s;
  const double period_s = static_cast<double>(interval) * iteration_s + stall_s;
  // Relative slack against rounding when t_s lands exactly on a boundary.
  const double eps = 1e-9 * (1 + std::abs(t_s));
  if (dt + eps < lead_s) {
    st.progress = static_cast<double>(start_iteration) + dt / iteration_s;
    return st;
  }
  const auto m = static_cast<int64_t>(std::floor((dt - lead_s + eps) / period_s));
  const int64_t b = b1 + m * interval;
  const double end_b = lead_s + static_cast<double>(m) * period_s;  // iteration b ends (relative)
  if (dt < end_b + stall_s - eps) {  // inside b's stall
    st.progress = static_cast<double>(b);
    st.stall_s = static_cast<double>(m) * stall_s + (dt - end_b);
    st.checkpoints_done = m;
  } else {
    st.progress = static_cast<double>(b) + (dt - end_b - stall_s) / iteration_s;
    st.stall_s = static_cast<double>(m + 1) * stall_s;
    st.checkpoints_done = m + 1;
  }
  const double first_done = lead_s + stall_s + completion_s;
  if (dt + eps >= first_done) {
    const auto j = static_cast<int64_t>(std::floor((dt - first_done + eps) / period_s));
    st.has_complete = true;
    st.complete_iteration = b1 + j * interval;
    st.complete_s = start_s + first_done + static_cast<double>(j) * period_s;
  }
  return st;
}

}  // namespace gemini
