// Strict YAML reading: every problem becomes ConfigError(file, line, message).
#include "gemini/yaml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>
#include <utility>

namespace gemini {
namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

[[noreturn]] void fail_node(const YAML::Node& node, const std::string& file,
                            const std::string& message) {
  throw ConfigError(file, line_of(node), message);
}

}  // namespace

YAML::Node load_yaml_file(const std::string& path) {
  try {
    return YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path, 0, "cannot open file");
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
    throw ConfigError(path, line, "YAML syntax error: " + e.msg);
  }
}

int line_of(const YAML::Node& node) {
  if (!node.IsDefined() || node.Mark().is_null()) return 0;
  return node.Mark().line + 1;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  // Close means a typo or two: at most a third of the word, capped at 3 edits.
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3));
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string scalar_text(const YAML::Node& node, const std::string& file, const std::string& what) {
  if (!node.IsScalar())
    fail_node(node, file, what + " must be a single value, got " + describe(node));
  return node.Scalar();
}

int64_t scalar_int(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string text = scalar_text(node, file, what);
  int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end) {
    fail_node(node, file, what + " must be an integer, got '" + text + "'");
  }
  return value;
}

double scalar_number(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string text = scalar_text(node, file, what);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(value)) {
    fail_node(node, file, what + " must be a number, got '" + text + "'");
  }
  return value;
}

bool scalar_bool(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string text = scalar_text(node, file, what);
  bool value = false;
  if (!YAML::convert<bool>::decode(node, value)) {
    fail_node(node, file, what + " must be true or false, got '" + text + "'");
  }
  return value;
}

double scalar_quantity(const YAML::Node& node, Quantity quantity, const std::string& file,
                       const std::string& what) {
  const std::string text = scalar_text(node, file, what);
  try {
    return parse_quantity(quantity, text);
  } catch (const UnitError& e) {
    fail_node(node, file, what + ": " + e.what());
  }
}

MapReader::MapReader(YAML::Node node, std::string file, std::string context,
                     std::vector<std::string> allowed_keys)
    : node_(std::move(node)), file_(std::move(file)), context_(std::move(context)) {
  // Hardening (issue 8): an empty document has no position; point at its first line, not 0.
  line_ = std::max(1, line_of(node_));
  if (!node_.IsDefined() || node_.IsNull()) {
    node_ = YAML::Node(YAML::NodeType::Map);
    return;
  }
  if (!node_.IsMap()) {
    const std::string what = context_.empty() ? "the file" : "'" + context_ + "'";
    fail_node(node_, file_, what + " must be a mapping of keys to values, got " + describe(node_));
  }
  std::set<std::string> seen;
  for (const auto& entry : node_) {
    const std::string key = scalar_text(entry.first, file_, "a key " + where());
    if (!seen.insert(key).second) {
      fail_node(entry.first, file_, "duplicate key '" + key + "' " + where());
    }
    if (std::find(allowed_keys.begin(), allowed_keys.end(), key) != allowed_keys.end()) continue;
    std::string message = "unknown key '" + key + "' " + where();
    const std::string suggestion = closest_match(key, allowed_keys);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    fail_node(entry.first, file_, message);
  }
}

std::string MapReader::where() const {
  return context_.empty() ? "at top level" : "in " + context_;
}

bool MapReader::has(const std::string& key) const { return bool(node_[key]); }

YAML::Node MapReader::get(const std::string& key) const { return node_[key]; }

void MapReader::require(const std::vector<std::string>& keys) const {
  for (const std::string& key : keys) {
    if (!has(key)) throw ConfigError(file_, line_, "missing required key '" + key + "' " + where());
  }
}

MapReader MapReader::child(const std::string& key, std::vector<std::string> allowed_keys) const {
  const std::string context = context_.empty() ? key : context_ + "." + key;
  if (!has(key)) {
    MapReader absent(YAML::Node(), file_, context, std::move(allowed_keys));
    absent.line_ = line_;  // a missing section's problems point at its parent
    return absent;
  }
  return MapReader(get(key), file_, context, std::move(allowed_keys));
}

bool MapReader::read_string(const std::string& key, std::string* out) const {
  if (!has(key)) return false;
  *out = scalar_text(get(key), file_, "'" + key + "'");
  return true;
}

bool MapReader::read_bool(const std::string& key, bool* out) const {
  if (!has(key)) return false;
  *out = scalar_bool(get(key), file_, "'" + key + "'");
  return true;
}

bool MapReader::read_number(const std::string& key, double* out) const {
  if (!has(key)) return false;
  *out = scalar_number(get(key), file_, "'" + key + "'");
  return true;
}

bool MapReader::read_quantity(const std::string& key, Quantity quantity, double* out) const {
  if (!has(key)) return false;
  *out = scalar_quantity(get(key), quantity, file_, "'" + key + "'");
  return true;
}

void MapReader::fail(const std::string& key, const std::string& message) const {
  const int line = has(key) ? line_of(get(key)) : 0;
  throw ConfigError(file_, line > 0 ? line : line_, message);
}

void MapReader::fail_at(const YAML::Node& node, const std::string& message) const {
  const int line = line_of(node);
  throw ConfigError(file_, line > 0 ? line : line_, message);
}

}  // namespace gemini
