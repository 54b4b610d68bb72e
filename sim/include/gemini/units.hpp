// Parsing of quantities written with explicit units ("62s", "400Gbps", "1.5%/day") into SI doubles.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

namespace gemini {

// A malformed quantity; the message says what was expected, with an example.
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a value measures, which fixes the units it may carry and the SI unit it returns.
enum class Quantity {
  duration,      // -> seconds: 250ms, 62s, 4min, 3h, 54d, 1w
  size,          // -> bytes: 512B, 128MB (1e6), 40GiB (2^30), 1.2TB
  bandwidth,     // -> bytes/s: 400Gbps (bits), 1.5GB/s, 12GiB/s (bytes)
  flop_rate,     // -> FLOP/s: 312TFLOPS, 989 TFLOP/s
  failure_rate,  // -> events per machine per second: 1.5%/day, 0.015/day, 2/week, 1/h
  fraction,      // -> [0, 1]: 78% or 0.78 (no unit needed)
};

const char* to_string(Quantity quantity);

// Parses `text` as `quantity`. A bare number is accepted only for fractions and for 0.
// Throws UnitError on an empty, negative, non-finite or unitless value, or an unknown unit.
double parse_quantity(Quantity quantity, std::string_view text);

inline double parse_duration_s(std::string_view text) {
  return parse_quantity(Quantity::duration, text);
}
inline double parse_size_bytes(std::string_view text) {
  return parse_quantity(Quantity::size, text);
}
inline double parse_bandwidth_bytes_per_s(std::string_view text) {
  return parse_quantity(Quantity::bandwidth, text);
}
inline double parse_flop_rate_flops(std::string_view text) {
  return parse_quantity(Quantity::flop_rate, text);
}
inline double parse_failure_rate_per_s(std::string_view text) {
  return parse_quantity(Quantity::failure_rate, text);
}
inline double parse_fraction(std::string_view text) {
  return parse_quantity(Quantity::fraction, text);
}

}  // namespace gemini
