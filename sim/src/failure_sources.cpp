// The failure sources behind a trial's trace.
#include "gemini/failure_sources.hpp"

#include <cmath>

namespace gemini {
namespace {

int uniform_machine(Rng& rng, int machines) {
  return static_cast<int>(rng.next_u64() % static_cast<uint64_t>(machines));
}

class MachineFailures final : public FailureSource {
 public:
  void append(const Scenario& s, Rng& rng, std::vector<FailureEvent>& out) const override {
    const FailureSpec& f = s.failures;
    if (f.rate_per_machine_per_s <= 0) return;
    auto emit = [&](double t, int machine) {
      FailureEvent e;
      e.time_s = t;
      e.machines = {machine};
      draw_kind(f, rng, e);
      out.push_back(std::move(e));
    };
    if (f.model == FailureModel::exponential) {
      // N independent Poisson processes = one of N times the rate, machine drawn uniformly.
      const double rate = f.rate_per_machine_per_s * s.machines;
      for (double t = rng.exponential(rate); t < s.horizon_s; t += rng.exponential(rate)) {
        emit(t, uniform_machine(rng, s.machines));
      }
      return;
    }
    // Weibull renewal per machine, with mean 1/rate: scale = mean / Gamma(1 + 1/k).
    const double k = f.weibull_shape;
    const double scale = 1.0 / f.rate_per_machine_per_s / std::tgamma(1.0 + 1.0 / k);
    for (int m = 0; m < s.machines; ++m) {
      for (double t = scale * std::pow(-std::log(rng.uniform01()), 1.0 / k); t < s.horizon_s;
           t += scale * std::pow(-std::log(rng.uniform01()), 1.0 / k)) {
        emit(t, m);
      }
    }
  }
};

class CorrelatedFailureSource final : public FailureSource {
 public:
  void append(const Scenario& s, Rng& rng, std::vector<FailureEvent>& out) const override {
    for (const CorrelatedFailures& c : s.failures.correlated) {
      if (c.rate_per_group_per_s <= 0) continue;
      const int groups = (s.machines + c.size - 1) / c.size;  // the last group may be smaller
      const double rate = c.rate_per_group_per_s * groups;
      for (double t = rng.exponential(rate); t < s.horizon_s; t += rng.exponential(rate)) {
        const int g = uniform_machine(rng, groups);
        FailureEvent e;
        e.time_s = t;
        e.kind = c.kind;
        for (int m = g * c.size; m < std::min(s.machines, (g + 1) * c.size); ++m) e.machines.push_back(m);
        if (e.kind == FailureKind::network) e.duration_s = s.failures.network_outage_s;
        out.push_back(std::move(e));
      }
    }
  }
};

FailureEvent from_written(const ExplicitFailure& x, const FailureSpec& f) {
  FailureEvent e;
  e.time_s = x.at_s;
  e.machines = x.machines;
  e.kind = x.kind;
  if (e.kind == FailureKind::network) e.duration_s = x.duration_s > 0 ? x.duration_s : f.network_outage_s;
  return e;
}

class ReplayedFailures final : public FailureSource {
 public:
  void append(const Scenario& s, Rng& rng, std::vector<FailureEvent>& out) const override {
    for (const ExplicitFailure& x : s.failures.replayed) {
      FailureEvent e = from_written(x, s.failures);
      if (e.machines.empty()) e.machines = {uniform_machine(rng, s.machines)};
      out.push_back(std::move(e));
    }
  }
};

class ExplicitFailures final : public FailureSource {
 public:
  void append(const Scenario& s, Rng&, std::vector<FailureEvent>& out) const override {
    for (const ExplicitFailure& x : s.failures.events) out.push_back(from_written(x, s.failures));
  }
};

}  // namespace

void draw_kind(const FailureSpec& f, Rng& rng, FailureEvent& e) {
  const double u = rng.uniform01();
  e.kind = u < f.hardware_fraction                        ? FailureKind::hardware
           : u < f.hardware_fraction + f.network_fraction ? FailureKind::network
                                                           : FailureKind::software;
  if (e.kind == FailureKind::network) e.duration_s = f.network_outage_s;
}

std::unique_ptr<FailureSource> make_machine_failures() { return std::make_unique<MachineFailures>(); }
std::unique_ptr<FailureSource> make_correlated_failures() { return std::make_unique<CorrelatedFailureSource>(); }
std::unique_ptr<FailureSource> make_replayed_failures() { return std::make_unique<ReplayedFailures>(); }
std::unique_ptr<FailureSource> make_explicit_failures() { return std::make_unique<ExplicitFailures>(); }

}  // namespace gemini
