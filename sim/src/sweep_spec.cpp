// Sweep files -> validated points (schema in docs/SWEEPS.md).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gemini/scenario_yaml.hpp"
#include "gemini/sweep.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxPoints = 1000000;

struct PathPart {
  std::string key;
  std::vector<size_t> indices;  // "strategies[2]" -> key strategies, indices {2}
};

std::vector<PathPart> parse_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("the key is empty");
  std::vector<PathPart> parts;
  size_t i = 0;
  while (i <= path.size()) {
    const size_t dot = path.find('.', i);
    const std::string piece = path.substr(i, dot == std::string::npos ? std::string::npos : dot - i);
    PathPart part;
    const size_t bracket = piece.find('[');
    part.key = piece.substr(0, bracket);
    if (part.key.empty()) throw std::invalid_argument("empty name in key '" + path + "'");
    for (size_t b = bracket; b != std::string::npos;) {
      const size_t close = piece.find(']', b);
      const std::string digits = close == std::string::npos ? "" : piece.substr(b + 1, close - b - 1);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
        throw std::invalid_argument("bad index in '" + piece + "': write name[0], name[1], ...");
      }
      // Hardening (issue 8): std::stoul threw std::out_of_range on a 20+ digit index, which
      // escaped the ConfigError handling; an index that long is never valid anyway.
      if (digits.size() > 9) throw std::invalid_argument("index " + digits + " in '" + piece + "' is too large");
      part.indices.push_back(std::stoul(digits));
      if (close + 1 < piece.size() && piece[close + 1] != '[') {
        throw std::invalid_argument("unexpected text after ']' in '" + piece + "'");
      }
      b = close + 1 < piece.size() ? close + 1 : std::string::npos;
    }
    parts.push_back(std::move(part));
    if (dot == std::string::npos) break;
    i = dot + 1;
  }
  return parts;
}

// A shortest, stable spelling of a generated number: 0.1 + 0.2 -> 0.3, 1000 -> 1000.
std::string format_value(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

std::string node_label(const YAML::Node& node) {
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << node;
  return e.c_str();
}

std::string strip_location(const ConfigError& e) {
  const std::string prefix = e.file + ":" + std::to_string(e.line) + ": ";
  const std::string what = e.what();
  return what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
}

// "100Gbps" -> {100, "Gbps", integer-looking}; the unit may also come from the range's `unit`.
struct Number {
  double value = 0;
  std::string unit;
  bool integer = false;
};

Number read_number(const YAML::Node& node, const std::string& file, const std::string& what) {
  const std::string text = scalar_text(node, file, what);
  const char* begin = text.c_str();
  char* end = nullptr;
  const double value = std::strtod(begin, &end);
  if (end == begin || !std::isfinite(value)) {
    throw ConfigError(file, line_of(node), what + " must start with a number, e.g. 16 or 100Gbps; got '" + text + "'");
  }
  Number n;
  n.value = value;
  const std::string digits(begin, static_cast<const char*>(end));
  n.integer = digits.find_first_not_of("+-0123456789") == std::string::npos;
  n.unit = std::string(end);
  n.unit.erase(0, n.unit.find_first_not_of(' '));
  return n;
}

// range: {start, stop, step} or {start, stop, count, scale: linear|log}; `unit` appends to bare
// numbers; integer endpoints (and step) give integers.
void read_range(const MapReader& axis, SweepAxis* out) {
  const MapReader r = axis.child("range", {"start", "stop", "step", "count", "scale", "unit"});
  r.require({"start", "stop"});
  const std::string& file = r.file();
  Number start = read_number(r.get("start"), file, "'start'");
  Number stop = read_number(r.get("stop"), file, "'stop'");
  std::string unit;
  if (r.read_string("unit", &unit)) {
    if (!start.unit.empty() || !stop.unit.empty()) r.fail("unit", "give the unit either in 'unit' or in the values, not both");
  } else {
    unit = start.unit;
  }
  if (start.unit != stop.unit) {
    r.fail("stop", "'stop' has unit '" + stop.unit + "' but 'start' has '" + start.unit + "'");
  }
  if (r.has("step") == r.has("count")) r.fail(r.has("step") ? "count" : "start", "a range needs exactly one of 'step' and 'count'");
  if (stop.value < start.value) r.fail("stop", "'stop' must not be below 'start'");
  std::string scale = "linear";
  r.read_string("scale", &scale);
  if (scale != "linear" && scale != "log") r.fail("scale", "'scale' must be linear or log, got '" + scale + "'");
  std::vector<double> values;
  bool integer = start.integer && stop.integer;
  if (r.has("step")) {
    if (scale == "log") r.fail("scale", "a log range takes 'count', not 'step'");
    const Number step = read_number(r.get("step"), file, "'step'");
    if (!step.unit.empty() && step.unit != unit) r.fail("step", "'step' has unit '" + step.unit + "', expected '" + unit + "'");
    if (step.value <= 0) r.fail("step", "'step' must be positive");
    integer = integer && step.integer;
    const double n = std::floor((stop.value - start.value) / step.value + 1e-9);
    if (n + 1 > static_cast<double>(kMaxPoints)) r.fail("step", "the range has too many values");
    for (int64_t i = 0; i <= static_cast<int64_t>(n); ++i) values.push_back(start.value + static_cast<double>(i) * step.value);
  } else {
    int64_t count = 0;
    r.read_int("count", &count);
    if (count < 1 || count > static_cast<int64_t>(kMaxPoints)) r.fail("count", "'count' must be between 1 and 1000000");
    if (scale == "log" && start.value <= 0) r.fail("start", "a log range must start above 0");
    for (int64_t i = 0; i < count; ++i) {
      const double f = count == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(count - 1);
      values.push_back(scale == "log" ? start.value * std::pow(stop.value / start.value, f)
                                      : start.value + f * (stop.value - start.value));
    }
  }
  std::set<std::string> seen;
  for (double v : values) {
    const std::string label = format_value(integer ? std::round(v) : v) + unit;
    if (!seen.insert(label).second) continue;  // rounding a log range can repeat a value
    out->values.emplace_back(label);
    out->labels.push_back(label);
    out->lines.push_back(line_of(axis.get("range")));
  }
}

SweepAxis read_axis(const YAML::Node& node, const std::string& file, const std::string& context) {
  const MapReader r(node, file, context, {"key", "name", "values", "range"});
  r.require({"key"});
  SweepAxis axis;
  axis.line = r.line();
  r.read_string("key", &axis.key);
  axis.column = axis.key;
  r.read_string("name", &axis.column);
  if (axis.column.empty()) r.fail("name", "'name' must not be empty");
  try {
    parse_path(axis.key);
  } catch (const std::invalid_argument& e) {
    r.fail("key", "'key' " + axis.key + ": " + e.what());
  }
  if (r.has("values") == r.has("range")) r.fail("key", "axis '" + axis.key + "' needs exactly one of 'values' and 'range'");
  if (r.has("values")) {
    const YAML::Node list = r.get("values");
    if (!list.IsSequence() || list.size() == 0) r.fail("values", "'values' must be a non-empty list, e.g. [8, 16, 32]");
    for (const YAML::Node& v : list) {
      axis.values.push_back(v);
      axis.labels.push_back(node_label(v));
      axis.lines.push_back(line_of(v) > 0 ? line_of(v) : line_of(list));
    }
  } else {
    read_range(r, &axis);
  }
  return axis;
}

struct Override {
  std::string key;
  YAML::Node value;
  int line = 0;
};

YAML::Node apply_overrides(const YAML::Node& base, const std::vector<Override>& overrides) {
  YAML::Node doc = YAML::Clone(base);
  for (const Override& o : overrides) set_yaml_path(doc, o.key, YAML::Clone(o.value));
  return doc;
}

std::string emit(const YAML::Node& doc) {
  YAML::Emitter e;
  e << doc;
  return e.c_str();
}

}  // namespace

void set_yaml_path(YAML::Node root, const std::string& path, const YAML::Node& value) {
  const std::vector<PathPart> parts = parse_path(path);
  YAML::Node cur;
  cur.reset(root);
  std::string walked;
  for (size_t p = 0; p < parts.size(); ++p) {
    const PathPart& part = parts[p];
    const bool last_part = p + 1 == parts.size();
    if (cur.IsNull() || !cur.IsDefined()) cur = YAML::Node(YAML::NodeType::Map);
    if (!cur.IsMap()) {
      throw std::invalid_argument("'" + walked + "' is not a mapping, so it has no key '" + part.key + "'");
    }
    walked += (walked.empty() ? "" : ".") + part.key;
    if (last_part && part.indices.empty()) {
      cur[part.key] = value;
      return;
    }
    YAML::Node next = cur[part.key];
    if (!next.IsDefined() || next.IsNull()) {
      if (!part.indices.empty()) throw std::invalid_argument("'" + walked + "' is not in the scenario, so it has no items");
      cur[part.key] = YAML::Node(YAML::NodeType::Map);
      next.reset(cur[part.key]);
    }
    for (size_t k = 0; k < part.indices.size(); ++k) {
      const size_t index = part.indices[k];
      if (!next.IsSequence() || index >= next.size()) {
        throw std::invalid_argument("'" + walked + "' " +
                                    (next.IsSequence() ? "has " + std::to_string(next.size()) + " items, numbered from 0"
                                                       : std::string("is not a list")) +
                                    "; there is no item " + std::to_string(index));
      }
      walked += "[" + std::to_string(index) + "]";
      const bool last_index = last_part && k + 1 == part.indices.size();
      if (last_index) {
        next[index] = value;
        return;
      }
      YAML::Node item = next[index];
      if (item.IsScalar() && k + 1 == part.indices.size()) {
        // "- gemini" means {name: gemini} with that kind's defaults; a key is being set in it.
        YAML::Node map(YAML::NodeType::Map);
        map["name"] = item.Scalar();
        next[index] = map;
        item.reset(next[index]);
      }
      next.reset(item);
    }
    cur.reset(next);
  }
}

std::string fingerprint_hex(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

SweepSpec load_sweep(const std::string& path, const SweepOverrides& cli) {
  SweepSpec spec;
  spec.file = path;
  const MapReader root(load_yaml_file(path), path, "",
                       {"name", "description", "scenario", "set", "combine", "axes", "trials", "seed"});
  root.require({"name", "scenario", "axes"});
  root.read_string("name", &spec.name);
  if (spec.name.empty() || spec.name.find_first_of("/\\ ") != std::string::npos) {
    root.fail("name", "'name' must be a non-empty word without spaces or slashes (it names the output folder)");
  }
  root.read_string("description", &spec.description);
  std::string base;
  root.read_string("scenario", &base);
  spec.base_path = fs::path(base).is_absolute() ? base : (fs::path(path).parent_path() / base).lexically_normal().string();
  {
    std::error_code error;
    if (!fs::is_regular_file(spec.base_path, error)) root.fail("scenario", "scenario '" + spec.base_path + "' not found");
  }
  std::string combine = "product";
  root.read_string("combine", &combine);
  if (combine != "product" && combine != "zip") root.fail("combine", "'combine' must be product or zip, got '" + combine + "'");
  spec.zip = combine == "zip";
  int trials = 0;
  if (root.read_int("trials", &trials) && trials < 1) root.fail("trials", "'trials' must be at least 1");
  uint64_t seed = 0;
  const bool seed_set = root.read_int("seed", &seed);
  if (cli.trials > 0) trials = cli.trials;

  // The base scenario must load on its own (its own errors keep their own file:line).
  const YAML::Node base_doc = load_yaml_file(spec.base_path);
  load_scenario(base_doc, spec.base_path);

  std::vector<Override> fixed;
  if (root.has("set")) {
    const YAML::Node set = root.get("set");
    if (!set.IsMap()) root.fail("set", "'set' must be a mapping of dotted keys to values, e.g. {failures.rate: 1%/day}");
    for (const auto& entry : set) {
      Override o{scalar_text(entry.first, path, "a key in set"), entry.second, line_of(entry.first)};
      try {
        load_scenario(apply_overrides(base_doc, {o}), spec.base_path);
      } catch (const std::invalid_argument& e) {
        throw ConfigError(path, o.line, "set '" + o.key + "': " + e.what());
      } catch (const ConfigError& e) {
        throw ConfigError(path, o.line, "set '" + o.key + "': " + strip_location(e));
      }
      fixed.push_back(o);
    }
  }

  const YAML::Node axes = root.get("axes");
  if (!axes.IsSequence() || axes.size() == 0) root.fail("axes", "'axes' must be a non-empty list of {key, values|range}");
  std::set<std::string> columns;
  for (size_t i = 0; i < axes.size(); ++i) {
    SweepAxis axis = read_axis(axes[i], path, "axes[" + std::to_string(i) + "]");
    if (!columns.insert(axis.column).second) {
      throw ConfigError(path, axis.line, "two axes use the column '" + axis.column + "'; give one a distinct 'name'");
    }
    try {  // the path must fit the scenario's shape
      apply_overrides(base_doc, {{axis.key, axis.values.front(), axis.line}});
    } catch (const std::invalid_argument& e) {
      throw ConfigError(path, axis.line, "axis '" + axis.key + "': " + e.what());
    }
    spec.axes.push_back(std::move(axis));
  }

  // Points: the product (last axis fastest) or the zip of the axes.
  size_t count = 1;
  if (spec.zip) {
    count = spec.axes.front().values.size();
    for (const SweepAxis& a : spec.axes) {
      if (a.values.size() != count) {
        throw ConfigError(path, a.line, "combine: zip needs axes of equal length; '" + a.key + "' has " +
                                            std::to_string(a.values.size()) + " values, '" + spec.axes.front().key +
                                            "' has " + std::to_string(count));
      }
    }
  } else {
    for (const SweepAxis& a : spec.axes) {
      count *= a.values.size();
      if (count > kMaxPoints) root.fail("axes", "the sweep has more than 1000000 points");
    }
  }

  std::string all_keys = spec.name;
  for (size_t p = 0; p < count; ++p) {
    std::vector<size_t> choice(spec.axes.size());
    size_t rest = p;
    for (size_t a = spec.axes.size(); a-- > 0;) {
      const size_t n = spec.axes[a].values.size();
      choice[a] = spec.zip ? p : rest % n;
      rest /= n;
    }
    std::vector<Override> overrides = fixed;
    SweepPoint point;
    point.index = static_cast<int>(p);
    for (size_t a = 0; a < spec.axes.size(); ++a) {
      const SweepAxis& axis = spec.axes[a];
      overrides.push_back({axis.key, axis.values[choice[a]], axis.lines[choice[a]]});
      point.labels.push_back(axis.labels[choice[a]]);
    }
    const YAML::Node doc = apply_overrides(base_doc, overrides);
    try {
      point.scenario = load_scenario(doc, spec.base_path);
    } catch (const ConfigError& e) {
      // Blame the first axis whose value alone breaks the scenario, else the combination.
      for (size_t a = 0; a < spec.axes.size(); ++a) {
        std::vector<Override> one = fixed;
        one.push_back(overrides[fixed.size() + a]);
        try {
          load_scenario(apply_overrides(base_doc, one), spec.base_path);
        } catch (const ConfigError& single) {
          throw ConfigError(path, overrides[fixed.size() + a].line,
                            spec.axes[a].key + " = " + point.labels[a] + ": " + strip_location(single));
        }
      }
      std::string where;
      for (size_t a = 0; a < spec.axes.size(); ++a) where += (a ? ", " : "") + spec.axes[a].key + " = " + point.labels[a];
      throw ConfigError(path, spec.axes.front().line, "point " + std::to_string(p) + " (" + where + "): " + strip_location(e));
    }
    if (trials > 0) point.scenario.trials = trials;
    if (seed_set) point.scenario.seed = seed;
    if (cli.seed_given) point.scenario.seed = cli.seed;
    point.key = fingerprint_hex(emit(doc) + "\ntrials=" + std::to_string(point.scenario.trials) +
                                "\nseed=" + std::to_string(point.scenario.seed));
    all_keys += "\n" + point.key;
    spec.points.push_back(std::move(point));
  }
  spec.fingerprint = fingerprint_hex(all_keys);
  return spec;
}

}  // namespace gemini
