// Bytes as lower-case hex text and back: the launcher's job token, NCCL's unique id in the store.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gemini::real {

inline std::string hex_encode(const uint8_t* data, size_t bytes) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  s.reserve(bytes * 2);
  for (size_t i = 0; i < bytes; ++i) s += {digits[data[i] >> 4], digits[data[i] & 15]};
  return s;
}

inline std::vector<uint8_t> hex_decode(const std::string& text) {
  auto nibble = [&](char c) -> uint8_t {
    if (c >= '0' && c <= '9') return static_cast<uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<uint8_t>(c - 'a' + 10);
    throw std::invalid_argument("not lower-case hex: '" + text + "'");
  };
  if (text.size() % 2 != 0) throw std::invalid_argument("odd length hex text (" + std::to_string(text.size()) + ")");
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<uint8_t>(nibble(text[2 * i]) << 4 | nibble(text[2 * i + 1]));
  }
  return out;
}

}  // namespace gemini::real
