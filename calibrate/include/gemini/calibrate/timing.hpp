// Timing helpers for microbenchmarks: repeat a measurement, summarise it with order statistics.
#pragma once
#include <functional>
#include <vector>

namespace gemini::calibrate {

// Order statistics of repeated measurements, in seconds.
struct Stats {
  double median_s = 0;
  double p10_s = 0;
  double p90_s = 0;
  double min_s = 0;
  double max_s = 0;
  int count = 0;
};

// Percentile q in [0, 100] of `values` with linear interpolation between closest ranks
// (NumPy's default, "type 7"). Throws std::invalid_argument on an empty input or q out of range.
double percentile(std::vector<double> values, double q);

// Summary of `samples_s`; throws std::invalid_argument when it is empty.
Stats summarize(const std::vector<double>& samples_s);

// Monotonic wall clock in seconds (steady_clock).
double now_s();

// Runs `measure` `warmups` times (results discarded), then `reps` times, and summarises the
// seconds each timed call returned. Use it when the measured function times itself (CUDA events,
// a timed section inside setup/teardown). reps must be >= 1.
Stats measure_repeated(int warmups, int reps, const std::function<double()>& measure);

// Times `fn` with the wall clock: W warm-ups, then R timed runs; returns their summary.
Stats time_repeated(int warmups, int reps, const std::function<void()>& fn);

}  // namespace gemini::calibrate
