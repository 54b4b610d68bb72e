// Strict YAML reading on yaml-cpp: declared keys, typed values, every error a ConfigError.
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gemini/scenario.hpp"  // ConfigError
#include "gemini/units.hpp"

namespace gemini {

// Loads a YAML file; a missing file or a syntax error becomes a ConfigError with its line.
YAML::Node load_yaml_file(const std::string& path);

// 1-based line of `node`, or 0 when yaml-cpp kept no position for it.
int line_of(const YAML::Node& node);

// Levenshtein distance between two words.
size_t edit_distance(const std::string& a, const std::string& b);
// The candidate closest to `word` if it is close enough to be a likely typo, else "".
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

// Conversions of one node, for list items and map values alike; `what` names the value in
// messages ("'machines'", "strategies[1]"). Each throws ConfigError at the node's line.
std::string scalar_text(const YAML::Node& node, const std::string& file, const std::string& what);
int64_t scalar_int(const YAML::Node& node, const std::string& file, const std::string& what);
double scalar_number(const YAML::Node& node, const std::string& file, const std::string& what);
bool scalar_bool(const YAML::Node& node, const std::string& file, const std::string& what);
double scalar_quantity(const YAML::Node& node, Quantity quantity, const std::string& file,
                       const std::string& what);

// A mapping whose keys must come from a declared set. Typical use:
//   MapReader cluster(node, file, "cluster", {"machines", "hardware"});
//   cluster.require({"machines"});
//   cluster.read_int("machines", &scenario.machines);  // false (out untouched) when absent
class MapReader {
 public:
  // Rejects a non-mapping node, duplicate keys and keys outside `allowed_keys` (suggesting the
  // closest one). A null node (an empty section) reads as an empty mapping. `context` names the
  // mapping in messages ("cluster", "strategies[2]"); "" is the top level of the file.
  MapReader(YAML::Node node, std::string file, std::string context,
            std::vector<std::string> allowed_keys);

  const std::string& file() const { return file_; }
  const std::string& context() const { return context_; }
  // "in cluster", or "at top level".
  std::string where() const;
  int line() const { return line_; }

  bool has(const std::string& key) const;
  // The value of `key`; an undefined node when absent.
  YAML::Node get(const std::string& key) const;
  // Fails with "missing required key 'k' in <context>" for the first absent key.
  void require(const std::vector<std::string>& keys) const;
  // A nested mapping; an empty one when `key` is absent.
  MapReader child(const std::string& key, std::vector<std::string> allowed_keys) const;

  // Each reader returns false and leaves *out alone when the key is absent.
  bool read_string(const std::string& key, std::string* out) const;
  bool read_bool(const std::string& key, bool* out) const;
  bool read_number(const std::string& key, double* out) const;  // plain number, no unit
  bool read_quantity(const std::string& key, Quantity quantity, double* out) const;
  template <typename Int>
  bool read_int(const std::string& key, Int* out) const;

  // Throws ConfigError at the line of `key`'s value (the mapping's line when absent).
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void fail_at(const YAML::Node& node, const std::string& message) const;

 private:
  YAML::Node node_;
  std::string file_;
  std::string context_;
  int line_ = 0;
};

template <typename Int>
bool MapReader::read_int(const std::string& key, Int* out) const {
  if (!has(key)) return false;
  const int64_t value = scalar_int(get(key), file_, "'" + key + "'");
  if (value < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
      (value > 0 &&
       static_cast<uint64_t>(value) > static_cast<uint64_t>(std::numeric_limits<Int>::max()))) {
    fail(key, "'" + key + "' is out of range: " + std::to_string(value));
  }
  *out = static_cast<Int>(value);
  return true;
}

}  // namespace gemini
