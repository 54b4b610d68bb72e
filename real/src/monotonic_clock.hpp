// The clock of real/'s event logs and phase timestamps. Torch-free.
#pragma once
#include <chrono>

namespace gemini::real {

// Steady clock in seconds (CLOCK_MONOTONIC: comparable between processes of one host).
inline double monotonic_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace gemini::real
