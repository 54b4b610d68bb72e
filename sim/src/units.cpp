// Quantity parsing: a number, optional spaces, then a unit looked up in one table per quantity.
#include "gemini/units.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace gemini {
namespace {

struct Unit {
  std::string symbol;
  double factor;  // SI value of one unit
};
using UnitTable = std::vector<Unit>;

const std::vector<Unit> kSiPrefixes = {{"", 1},    {"k", 1e3},  {"K", 1e3}, {"M", 1e6},
                                       {"G", 1e9}, {"T", 1e12}, {"P", 1e15}};
const std::vector<Unit> kBinaryPrefixes = {{"Ki", 1024.0},
                                           {"Mi", 1024.0 * 1024},
                                           {"Gi", 1024.0 * 1024 * 1024},
                                           {"Ti", 1024.0 * 1024 * 1024 * 1024},
                                           {"Pi", 1024.0 * 1024 * 1024 * 1024 * 1024}};

// Adds every prefix + suffix combination, each worth prefix * scale.
void add_prefixed(UnitTable* table, const std::vector<Unit>& prefixes,
                  const std::vector<std::string>& suffixes, double scale) {
  for (const Unit& prefix : prefixes) {
    for (const std::string& suffix : suffixes) {
      table->push_back({prefix.symbol + suffix, prefix.factor * scale});
    }
  }
}

UnitTable make_duration_units() {
  return {{"ns", 1e-9},     {"us", 1e-6},   {"\xC2\xB5s", 1e-6}, {"ms", 1e-3},   {"s", 1},
          {"sec", 1},       {"second", 1},  {"seconds", 1},      {"min", 60},    {"minute", 60},
          {"minutes", 60},  {"h", 3600},    {"hr", 3600},        {"hour", 3600}, {"hours", 3600},
          {"d", 86400},     {"day", 86400}, {"days", 86400},     {"w", 604800},  {"week", 604800},
          {"weeks", 604800}};
}

UnitTable make_size_units() {
  UnitTable table;
  add_prefixed(&table, kSiPrefixes, {"B"}, 1);
  add_prefixed(&table, kBinaryPrefixes, {"B"}, 1);
  return table;
}

UnitTable make_bandwidth_units() {
  UnitTable table;
  add_prefixed(&table, kSiPrefixes, {"B/s"}, 1);
  add_prefixed(&table, kBinaryPrefixes, {"B/s"}, 1);
  // Network links are quoted in bits per second; we count bytes.
  add_prefixed(&table, kSiPrefixes, {"bps", "bit/s", "b/s"}, 1.0 / 8);
  return table;
}

UnitTable make_flop_rate_units() {
  UnitTable table;
  std::vector<Unit> prefixes = kSiPrefixes;
  prefixes.push_back({"E", 1e18});
  add_prefixed(&table, prefixes, {"FLOPS", "FLOP/s", "FLOPs", "flops", "flop/s"}, 1);
  return table;
}

struct KindInfo {
  const char* name;
  const char* example;
  const char* hint;  // the units to suggest when one is not recognised
  UnitTable units;
  bool unit_required;
};

const KindInfo& kind_info(Quantity quantity) {
  static const KindInfo kDuration{"duration", "62s", "ns, us, ms, s, min, h, d or w",
                                  make_duration_units(), true};
  static const KindInfo kSize{"size", "128MB",
                              "B, kB, MB, GB, TB (powers of 10) or KiB, MiB, "
                              "GiB, TiB (powers of 2)",
                              make_size_units(), true};
  static const KindInfo kBandwidth{"bandwidth", "400Gbps",
                                   "bits (Mbps, Gbps, Tbps) or bytes (MB/s, GB/s, GiB/s)",
                                   make_bandwidth_units(), true};
  static const KindInfo kFlopRate{"FLOP rate", "312TFLOPS",
                                  "FLOPS or FLOP/s with k, M, G, T, "
                                  "P or E",
                                  make_flop_rate_units(), true};
  static const KindInfo kFailureRate{"failure rate", "1.5%/day",
                                     "events per machine per period: 1.5%/day, 0.015/day, "
                                     "2/week, 1/h",
                                     make_duration_units(), true};
  static const KindInfo kFraction{
      "fraction", "78%", "% or a plain number in [0, 1]", {{"", 1}, {"%", 0.01}}, false};
  switch (quantity) {
    case Quantity::duration:
      return kDuration;
    case Quantity::size:
      return kSize;
    case Quantity::bandwidth:
      return kBandwidth;
    case Quantity::flop_rate:
      return kFlopRate;
    case Quantity::failure_rate:
      return kFailureRate;
    case Quantity::fraction:
      return kFraction;
  }
  return kDuration;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_digit(std::string_view text, size_t i) {
  return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]));
}

// Length of the leading [sign]digits[.digits][e[sign]digits]; 0 when there is no number.
// The exponent is taken only when digits follow, so "1EFLOPS" keeps its 'E' prefix.
size_t number_length(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  for (; is_digit(text, i); ++i) ++digits;
  if (i < text.size() && text[i] == '.') {
    for (++i; is_digit(text, i); ++i) ++digits;
  }
  if (digits == 0) return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    if (j < text.size() && (text[j] == '+' || text[j] == '-')) ++j;
    if (is_digit(text, j)) {
      for (i = j; is_digit(text, i); ++i) {
      }
    }
  }
  return i;
}

bool starts_non_finite(std::string_view text) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  std::string head;
  for (size_t i = 0; i < text.size() && i < 3; ++i) {
    head += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
  }
  return head == "nan" || head == "inf";
}

const Unit* find_unit(const UnitTable& table, std::string_view symbol) {
  for (const Unit& unit : table) {
    if (unit.symbol == symbol) return &unit;
  }
  return nullptr;
}

[[noreturn]] void fail(const std::string& message) { throw UnitError(message); }

// Factor of a failure-rate unit: "[%]/<duration unit>".
double failure_rate_factor(const KindInfo& info, std::string_view unit, std::string_view text) {
  double scale = 1;
  if (!unit.empty() && unit.front() == '%') {
    scale = 0.01;
    unit = trim(unit.substr(1));
  }
  if (unit.empty() || unit.front() != '/') {
    fail("expected a failure rate per machine with a period, e.g. 1.5%/day; got '" +
         std::string(text) + "'");
  }
  std::string_view period = trim(unit.substr(1));
  const Unit* found = find_unit(info.units, period);
  if (found == nullptr) {
    fail("unknown failure-rate period '" + std::string(period) + "' in '" + std::string(text) +
         "'; use " + info.hint);
  }
  return scale / found->factor;
}

}  // namespace

const char* to_string(Quantity quantity) { return kind_info(quantity).name; }

double parse_quantity(Quantity quantity, std::string_view raw) {
  const KindInfo& info = kind_info(quantity);
  const std::string_view text = trim(raw);
  const std::string quoted = "'" + std::string(text) + "'";
  const std::string expected = std::string("a ") + info.name + ", e.g. " + info.example;
  if (text.empty()) fail("empty value; expected " + expected);
  if (starts_non_finite(text)) fail(quoted + " is not a finite number; expected " + expected);
  const size_t length = number_length(text);
  if (length == 0) fail("expected " + expected + "; got " + quoted);

  const double value = std::strtod(std::string(text.substr(0, length)).c_str(), nullptr);
  if (!std::isfinite(value)) fail(quoted + " is not a finite number; expected " + expected);
  if (value < 0) fail(std::string(info.name) + " must not be negative, got " + quoted);
  const std::string_view unit = trim(text.substr(length));

  double factor = 1;
  if (unit.empty()) {
    // A bare 0 is unambiguous in any unit.
    if (info.unit_required && value != 0) {
      fail(std::string("expected a ") + info.name + " with a unit, e.g. " + info.example +
           "; got " + quoted);
    }
  } else if (quantity == Quantity::failure_rate) {
    factor = failure_rate_factor(info, unit, text);
  } else {
    const Unit* found = find_unit(info.units, unit);
    if (found == nullptr) {
      std::string message = std::string("unknown ") + info.name + " unit '" + std::string(unit) +
                            "' in " + quoted + "; use " + info.hint;
      // "20GB" for a bandwidth is a size missing its "/s".
      const std::string per_second = std::string(unit) + "/s";
      if (quantity == Quantity::bandwidth && find_unit(info.units, per_second) != nullptr) {
        message += " (did you mean '" + per_second + "'?)";
      }
      fail(message);
    }
    factor = found->factor;
  }
  const double si = value * factor;
  // Hardening (issue 8): "1e307days" is finite before the unit and infinite after it.
  if (!std::isfinite(si)) fail(quoted + " is too large; expected " + expected);
  if (quantity == Quantity::fraction && si > 1) {
    fail("a fraction must lie between 0 and 1 (0% and 100%), got " + quoted);
  }
  return si;
}

}  // namespace gemini
