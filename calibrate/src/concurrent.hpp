// Running one measurement on several threads released at the same moment (internal): the
// *-concurrent benchmarks measure the sharing a real run has (its ranks copy, hash, write and
// read at the same iteration) instead of predicting it from a benchmark that ran alone.
#pragma once
#include <atomic>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

namespace gemini::calibrate::detail {

// Runs fn(i) for i < n on n threads released together; returns what each returned (its own
// seconds). The first exception of any thread is rethrown after all have joined.
inline std::vector<double> run_together(int n, const std::function<double(int)>& fn) {
  std::vector<double> seconds(static_cast<size_t>(n), 0.0);
  std::vector<std::exception_ptr> errors(static_cast<size_t>(n));
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      try {
        seconds[static_cast<size_t>(i)] = fn(i);
      } catch (...) {
        errors[static_cast<size_t>(i)] = std::current_exception();
      }
    });
  }
  while (ready.load() < n) std::this_thread::yield();
  go.store(true);
  for (auto& t : threads) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  return seconds;
}

}  // namespace gemini::calibrate::detail
