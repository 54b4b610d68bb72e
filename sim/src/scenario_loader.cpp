// Scenario and model YAML -> validated structs (schema in docs/SCENARIOS.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gemini/failure_log.hpp"
#include "gemini/hardware_profile_file.hpp"
#include "gemini/scenario.hpp"
#include "gemini/scenario_yaml.hpp"
#include "gemini/yaml_reader.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;

// Names in enum order, so a choice's index is its enum value.
const std::vector<std::string> kStrategyKindNames = {"strawman", "highfreq", "gemini", "seed-disk"};
const std::vector<std::string> kFailureKindNames = {"software", "hardware", "network"};
const std::vector<std::string> kFailureModelNames = {"exponential", "weibull"};
const std::vector<std::string> kFailureMixNames = {"llama3"};
const std::vector<std::string> kPlacementNames = {"group", "ring"};
const std::vector<std::string> kModeNames = {"interleaved", "blocking"};
const std::vector<std::string> kFamilyNames = {"gpt", "bert"};

const std::vector<std::string> kModelKeys = {
    "name",  "family",  "layers",    "hidden",          "ffn_hidden",        "heads",  "kv_heads",
    "vocab", "seq_len", "gated_mlp", "tied_embeddings", "learned_positions", "biases", "source"};
const std::vector<std::string> kGeminiOnlyKeys = {"replicas", "placement",   "mode",
                                                  "buffer",   "sub_buffers", "safety_factor"};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

// Index of `node`'s text in `choices`; an error lists them and suggests the closest.
size_t read_choice(const YAML::Node& node, const std::string& file, const std::string& what,
                   const std::vector<std::string>& choices) {
  const std::string text = scalar_text(node, file, what);
  for (size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == text) return i;
  }
  std::string message = what + " must be one of " + join(choices) + ", got '" + text + "'";
  const std::string suggestion = closest_match(text, choices);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  throw ConfigError(file, line_of(node), message);
}

bool read_choice(const MapReader& r, const std::string& key,
                 const std::vector<std::string>& choices, size_t* out) {
  if (!r.has(key)) return false;
  *out = read_choice(r.get(key), r.file(), "'" + key + "'", choices);
  return true;
}

// Shortest form of a number for messages: 86400, 0.5, 1e+06.
std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

void check(bool ok, const MapReader& r, const std::string& key, const std::string& message) {
  if (!ok) r.fail(key, "'" + key + "' " + message);
}

// ---- models ----------------------------------------------------------------------------------

ModelSpec read_model(const MapReader& r) {
  r.require({"name", "layers", "hidden", "heads", "vocab", "seq_len"});
  ModelSpec m;
  r.read_string("name", &m.name);
  size_t family = 0;
  if (read_choice(r, "family", kFamilyNames, &family)) m.family = kFamilyNames[family];
  r.read_int("layers", &m.layers);
  r.read_int("hidden", &m.hidden);
  r.read_int("ffn_hidden", &m.ffn_hidden);
  r.read_int("heads", &m.heads);
  r.read_int("kv_heads", &m.kv_heads);
  r.read_int("vocab", &m.vocab);
  r.read_int("seq_len", &m.seq_len);
  r.read_bool("gated_mlp", &m.gated_mlp);
  r.read_bool("tied_embeddings", &m.tied_embeddings);
  r.read_bool("learned_positions", &m.learned_positions);
  r.read_bool("biases", &m.biases);

  const std::pair<const char*, int64_t> counts[] = {{"layers", m.layers},
                                                    {"hidden", m.hidden},
                                                    {"heads", m.heads},
                                                    {"vocab", m.vocab},
                                                    {"seq_len", m.seq_len}};
  for (const auto& [key, value] : counts) check(value >= 1, r, key, "must be at least 1");
  check(m.ffn_hidden >= 0, r, "ffn_hidden", "must be positive (or 0 for 4 * hidden)");
  check(m.hidden % m.heads == 0, r, "heads",
        "must divide hidden (" + std::to_string(m.hidden) + ")");
  check(m.kv_heads >= 0 && (m.kv_heads == 0 || m.heads % m.kv_heads == 0), r, "kv_heads",
        "must divide heads (" + std::to_string(m.heads) + ")");
  return m;
}

// "gpt2-xl" -> first of <scenario dir>/../models, $GEMINI_MODELS_DIR, the source tree's models/;
// a name with a '/' or a .yaml suffix is a path relative to the scenario.
std::vector<fs::path> model_candidates(const std::string& name, const std::string& scenario) {
  const fs::path scenario_dir = fs::path(scenario).parent_path();
  const fs::path as_path(name);
  if (name.find('/') != std::string::npos || as_path.extension() == ".yaml" ||
      as_path.extension() == ".yml") {
    return {as_path.is_absolute() ? as_path : scenario_dir / as_path};
  }
  const std::string file = name + ".yaml";
  std::vector<fs::path> candidates = {scenario_dir / ".." / "models" / file};
  if (const char* env = std::getenv("GEMINI_MODELS_DIR"))
    candidates.push_back(fs::path(env) / file);
#ifdef GEMINI_SOURCE_MODELS_DIR
  candidates.push_back(fs::path(GEMINI_SOURCE_MODELS_DIR) / file);
#endif
  return candidates;
}

ModelSpec resolve_model(const MapReader& root) {
  const YAML::Node node = root.get("model");
  if (node.IsMap()) return read_model(MapReader(node, root.file(), "model", kModelKeys));
  const std::string name = scalar_text(node, root.file(), "'model'");
  const std::vector<fs::path> candidates = model_candidates(name, root.file());
  std::vector<std::string> tried;
  for (const fs::path& candidate : candidates) {
    // Hardening (issue 8): check the path that is then read. "scenarios/../models/x.yaml" with
    // scenarios/ a symlink exists, while its lexical form "models/x.yaml" may not ("file:0").
    const fs::path normal = candidate.lexically_normal();
    std::error_code error;
    if (fs::is_regular_file(normal, error)) return load_model(normal);
    tried.push_back(normal.string());
  }
  root.fail("model", "model '" + name + "' not found; looked for " + join(tried));
}

// ---- cluster, training, storage ---------------------------------------------------------------

struct HardwareOverride {
  const char* key;
  Quantity quantity;
  bool positive;  // zero is meaningless (bandwidths, sizes); latencies may be 0
  std::function<void(HardwareProfile&, double)> apply;
};

const std::vector<HardwareOverride>& hardware_overrides() {
  using H = HardwareProfile;
  static const std::vector<HardwareOverride> table = {
      {"gpu_memory", Quantity::size, true, [](H& h, double v) { h.gpu_memory_bytes = v; }},
      {"gpu_peak_flops", Quantity::flop_rate, true, [](H& h, double v) { h.gpu_peak_flops = v; }},
      {"gpu_effective_fraction", Quantity::fraction, true,
       [](H& h, double v) { h.gpu_effective_fraction = v; }},
      {"cpu_memory", Quantity::size, true, [](H& h, double v) { h.cpu_memory_bytes = v; }},
      {"gpu_to_cpu_bandwidth", Quantity::bandwidth, true,
       [](H& h, double v) { h.gpu_to_cpu.bandwidth_bytes_per_s = v; }},
      {"gpu_to_cpu_latency", Quantity::duration, false,
       [](H& h, double v) { h.gpu_to_cpu.alpha_s = v; }},
      {"network_bandwidth", Quantity::bandwidth, true,
       [](H& h, double v) { h.network.bandwidth_bytes_per_s = v; }},
      // The latency is both the link's own and the alpha of each transfer over it.
      {"network_latency", Quantity::duration, false,
       [](H& h, double v) { h.network_latency_s = h.network.alpha_s = v; }},
      {"disk_write_bandwidth", Quantity::bandwidth, true,
       [](H& h, double v) { h.local_disk_write.bandwidth_bytes_per_s = v; }},
      {"disk_read_bandwidth", Quantity::bandwidth, true,
       [](H& h, double v) { h.local_disk_read.bandwidth_bytes_per_s = v; }},
      {"serialize_bandwidth", Quantity::bandwidth, true,
       [](H& h, double v) { h.serialize_bytes_per_s = v; }},
  };
  return table;
}

void apply_hardware_overrides(const MapReader& cluster, HardwareProfile* hardware) {
  std::vector<std::string> keys = {"gpus_per_machine"};
  for (const HardwareOverride& o : hardware_overrides()) keys.push_back(o.key);
  const MapReader r = cluster.child("hardware_overrides", keys);
  std::vector<std::string> applied;
  if (r.read_int("gpus_per_machine", &hardware->gpus_per_machine)) {
    check(hardware->gpus_per_machine >= 1, r, "gpus_per_machine", "must be at least 1");
    applied.push_back("gpus_per_machine");
  }
  for (const HardwareOverride& o : hardware_overrides()) {
    double value = 0;
    if (!r.read_quantity(o.key, o.quantity, &value)) continue;
    check(!o.positive || value > 0, r, o.key, "must be positive");
    o.apply(*hardware, value);
    applied.push_back(o.key);
  }
  if (!applied.empty()) hardware->source += "; overridden in " + r.file() + ": " + join(applied);
}

void read_cluster(const MapReader& root, Scenario* s) {
  const MapReader r = root.child("cluster", {"machines", "hardware", "hardware_profile", "hardware_overrides"});
  r.require({"machines", "hardware"});
  r.read_int("machines", &s->machines);
  check(s->machines >= 1, r, "machines", "must be at least 1");
  std::string name;
  r.read_string("hardware", &name);
  const HardwareProfile* builtin = find_builtin_hardware(name);
  if (builtin == nullptr) {
    std::vector<std::string> names;
    for (const HardwareProfile& p : builtin_hardware_profiles()) names.push_back(p.name);
    std::string message = "unknown hardware '" + name + "'; built-in profiles: " + join(names);
    const std::string suggestion = closest_match(name, names);
    if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
    r.fail("hardware", message);
  }
  s->hardware = *builtin;
  // A calibrated profile replaces what it measured; overrides come last and win.
  std::string profile;
  if (r.read_string("hardware_profile", &profile)) {
    const fs::path p(profile);
    if (p.is_relative()) profile = (fs::path(s->file).parent_path() / p).string();
    // Hardening (issue 8): fs::exists threw filesystem_error on a path too long (ENAMETOOLONG),
    // escaping the ConfigError handling; and a device such as /dev/zero would never end.
    std::error_code error;
    if (!fs::is_regular_file(profile, error)) r.fail("hardware_profile", "no such profile file '" + profile + "'");
    apply_calibrated_profile(profile, &s->hardware);
  }
  apply_hardware_overrides(r, &s->hardware);
}

void read_training(const MapReader& root, Scenario* s) {
  const MapReader r =
      root.child("training", {"micro_batch", "iteration_time", "checkpoint_bytes_per_param",
                              "weight_bytes_per_param", "activation_recomputation", "zero_stage"});
  TrainingSpec& t = s->training;
  if (r.read_int("micro_batch", &t.micro_batch)) {
    check(t.micro_batch >= 1, r, "micro_batch", "must be at least 1");
  }
  r.read_quantity("iteration_time", Quantity::duration, &s->iteration_time_s);
  if (r.read_number("checkpoint_bytes_per_param", &t.checkpoint_bytes_per_param)) {
    check(t.checkpoint_bytes_per_param > 0, r, "checkpoint_bytes_per_param", "must be positive");
  }
  if (r.read_number("weight_bytes_per_param", &t.weight_bytes_per_param)) {
    check(t.weight_bytes_per_param > 0, r, "weight_bytes_per_param", "must be positive");
  }
  r.read_bool("activation_recomputation", &t.activation_recomputation);
  if (r.read_int("zero_stage", &t.zero_stage)) {
    check(t.zero_stage >= 0 && t.zero_stage <= 3, r, "zero_stage", "must be 0, 1, 2 or 3");
  }
}

void read_storage(const MapReader& root, Scenario* s) {
  const MapReader r = root.child("storage", {"bandwidth", "latency"});
  r.require({"bandwidth"});
  r.read_quantity("bandwidth", Quantity::bandwidth, &s->storage.bandwidth_bytes_per_s);
  check(s->storage.bandwidth_bytes_per_s > 0, r, "bandwidth", "must be positive");
  r.read_quantity("latency", Quantity::duration, &s->storage.latency_s);
}

// ---- failures and recovery --------------------------------------------------------------------

ExplicitFailure read_event(const YAML::Node& node, const std::string& context, const Scenario& s) {
  const MapReader r(node, s.file, context, {"at", "machines", "kind", "duration"});
  r.require({"at", "machines"});
  ExplicitFailure event;
  r.read_quantity("at", Quantity::duration, &event.at_s);
  check(event.at_s < s.horizon_s, r, "at",
        "must be before the horizon (" + format_number(s.horizon_s) + " s)");
  YAML::Node machines = r.get("machines");
  if (machines.IsScalar()) {  // "machines: 3" is one machine
    YAML::Node list(YAML::NodeType::Sequence);
    list.push_back(machines);
    machines = list;
  }
  if (!machines.IsSequence() || machines.size() == 0) {
    r.fail("machines", "'machines' must be a non-empty list of machine indices, e.g. [3]");
  }
  for (const YAML::Node& item : machines) {
    const int64_t index = scalar_int(item, s.file, "a machine index in " + context);
    if (index < 0 || index >= s.machines) {
      r.fail_at(item, "machine " + std::to_string(index) + " in " + context +
                          " is out of range: the cluster has " + std::to_string(s.machines) +
                          " machines, numbered 0.." + std::to_string(s.machines - 1));
    }
    event.machines.push_back(static_cast<int>(index));
  }
  size_t kind = 0;
  if (read_choice(r, "kind", kFailureKindNames, &kind)) event.kind = FailureKind(kind);
  r.read_quantity("duration", Quantity::duration, &event.duration_s);
  check(event.duration_s == 0 || event.kind == FailureKind::network, r, "duration",
        "applies only to kind network");
  return event;
}

// Llama 3 405B's 419 unexpected interruptions (gemini-paper-facts.md): software bug 54 + NCCL
// watchdog 7 are software; network switch/cable 35 is network; the other 323 need the machine
// (GPU, HBM, host maintenance, NIC, SSD, power, CPU, RAM, thermal, SDC).
constexpr double kLlama3Hardware = 323.0 / 419.0;
constexpr double kLlama3Network = 35.0 / 419.0;

// One of rate (per machine), rate_per_gpu, or count (failures over the whole run).
void read_failure_rate(const MapReader& r, Scenario* s) {
  FailureSpec& f = s->failures;
  const int given = int(r.has("rate")) + int(r.has("rate_per_gpu")) + int(r.has("count"));
  if (given > 1) {
    r.fail(r.has("count") ? "count" : "rate_per_gpu", "give only one of rate, rate_per_gpu and count");
  }
  double value = 0;
  if (r.read_quantity("rate", Quantity::failure_rate, &value)) f.rate_per_machine_per_s = value;
  if (r.read_quantity("rate_per_gpu", Quantity::failure_rate, &value)) {
    f.rate_per_machine_per_s = value * s->hardware.gpus_per_machine;
  }
  if (r.read_number("count", &value)) {
    check(value >= 0, r, "count", "must not be negative");
    f.rate_per_machine_per_s = value / (s->machines * s->horizon_s);
  }
}

void read_failure_mix(const MapReader& r, FailureSpec* f) {
  size_t mix = 0;
  if (read_choice(r, "mix", kFailureMixNames, &mix)) {
    check(!r.has("hardware_fraction") && !r.has("network_fraction"), r, "mix",
          "a named mix sets the kind fractions: drop hardware_fraction/network_fraction");
    f->hardware_fraction = kLlama3Hardware;
    f->network_fraction = kLlama3Network;
  }
  r.read_quantity("hardware_fraction", Quantity::fraction, &f->hardware_fraction);
  r.read_quantity("network_fraction", Quantity::fraction, &f->network_fraction);
  check(f->hardware_fraction + f->network_fraction <= 1 + 1e-12, r,
        r.has("network_fraction") ? "network_fraction" : "hardware_fraction",
        "hardware and network fractions add up to more than 100%");
}

CorrelatedFailures read_correlated(const YAML::Node& node, const std::string& context, const Scenario& s) {
  const MapReader r(node, s.file, context, {"size", "rate", "kind"});
  r.require({"size", "rate"});
  CorrelatedFailures c;
  r.read_int("size", &c.size);
  check(c.size >= 1 && c.size <= s.machines, r, "size",
        "must be between 1 and the number of machines (" + std::to_string(s.machines) + ")");
  r.read_quantity("rate", Quantity::failure_rate, &c.rate_per_group_per_s);
  size_t kind = 0;
  if (read_choice(r, "kind", kFailureKindNames, &kind)) c.kind = FailureKind(kind);
  return c;
}

template <typename T, typename Reader>
std::vector<T> read_list(const MapReader& r, const std::string& key, const std::string& context, Reader read) {
  std::vector<T> out;
  if (!r.has(key)) return out;
  const YAML::Node list = r.get(key);
  if (!list.IsSequence()) r.fail(key, "'" + key + "' must be a list");
  for (size_t i = 0; i < list.size(); ++i) out.push_back(read(list[i], context + "[" + std::to_string(i) + "]"));
  return out;
}

void read_failures(const MapReader& root, Scenario* s) {
  const MapReader r = root.child(
      "failures", {"model", "rate", "rate_per_gpu", "count", "weibull_shape", "hardware_fraction",
                   "network_fraction", "mix", "network_outage", "trace", "correlated", "events"});
  FailureSpec& f = s->failures;
  size_t model = 0;
  if (read_choice(r, "model", kFailureModelNames, &model)) f.model = FailureModel(model);
  read_failure_rate(r, s);
  if (r.read_number("weibull_shape", &f.weibull_shape)) {
    check(f.weibull_shape > 0, r, "weibull_shape", "must be positive");
    check(f.model == FailureModel::weibull, r, "weibull_shape", "needs model: weibull");
  }
  read_failure_mix(r, &f);
  r.read_quantity("network_outage", Quantity::duration, &f.network_outage_s);
  if (r.read_string("trace", &f.trace_path)) {
    const fs::path p(f.trace_path);
    if (p.is_relative()) f.trace_path = (fs::path(s->file).parent_path() / p).string();
    // Hardening (issue 8): a missing trace is the scenario's mistake, reported at its line.
    std::error_code error;
    if (!fs::is_regular_file(f.trace_path, error)) r.fail("trace", "cannot open failure log '" + f.trace_path + "'");
    FailureLog log = read_failure_log(f.trace_path, s->machines, s->horizon_s);
    f.replayed = std::move(log.failures);
    f.replayed_ignored = log.ignored_outside_horizon;
  }
  const Scenario& sc = *s;
  f.correlated = read_list<CorrelatedFailures>(
      r, "correlated", "failures.correlated", [&](const YAML::Node& n, const std::string& c) { return read_correlated(n, c, sc); });
  f.events = read_list<ExplicitFailure>(
      r, "events", "failures.events", [&](const YAML::Node& n, const std::string& c) { return read_event(n, c, sc); });
}

// "4min..7min" (uniform range) or one duration.
void read_replacement(const MapReader& r, RecoverySpec* recovery) {
  if (!r.has("replacement")) return;
  const std::string text = scalar_text(r.get("replacement"), r.file(), "'replacement'");
  const size_t dots = text.find("..");
  try {
    recovery->replacement_min_s = parse_duration_s(text.substr(0, dots));
    recovery->replacement_max_s = dots == std::string::npos
                                      ? recovery->replacement_min_s
                                      : parse_duration_s(text.substr(dots + 2));
  } catch (const UnitError& e) {
    r.fail("replacement", std::string("'replacement': ") + e.what() +
                              " (write one duration or a range such as 4min..7min)");
  }
  check(recovery->replacement_min_s <= recovery->replacement_max_s, r, "replacement",
        "range must not decrease");
}

void read_recovery(const MapReader& root, Scenario* s) {
  const MapReader r =
      root.child("recovery", {"detection", "replacement", "standby_machines", "standby_repair", "warmup"});
  RecoverySpec& recovery = s->recovery;
  r.read_quantity("detection", Quantity::duration, &recovery.detection_s);
  read_replacement(r, &recovery);
  if (r.read_int("standby_machines", &recovery.standby_machines)) {
    check(recovery.standby_machines >= 0, r, "standby_machines", "must not be negative");
  }
  r.read_quantity("standby_repair", Quantity::duration, &recovery.standby_repair_s);
  r.read_quantity("warmup", Quantity::duration, &recovery.warmup_s);
}

// ---- strategies -------------------------------------------------------------------------------

StrategySpec strategy_defaults(StrategyKind kind) {
  StrategySpec spec;
  spec.kind = kind;
  spec.name = to_string(kind);
  if (kind == StrategyKind::seed_disk) {
    spec.interval_iterations = 25;  // the seed's cadence
    spec.persistent_interval_s = 0;  // the seed had no remote storage; set one to add it
  }
  if (kind == StrategyKind::highfreq) spec.interval_iterations = 0;    // storage-bound, auto
  return spec;
}

void read_gemini_options(const MapReader& r, int machines, StrategySpec* spec) {
  if (r.read_int("replicas", &spec->replicas)) {
    check(spec->replicas >= 1 && spec->replicas <= machines, r, "replicas",
          "must be between 1 and the number of machines (" + std::to_string(machines) + ")");
  }
  size_t choice = 0;
  if (read_choice(r, "placement", kPlacementNames, &choice)) spec->placement = Placement(choice);
  if (read_choice(r, "mode", kModeNames, &choice)) spec->interleaved = choice == 0;
  if (r.read_quantity("buffer", Quantity::size, &spec->buffer_bytes)) {
    check(spec->buffer_bytes > 0, r, "buffer", "must be positive");
  }
  if (r.read_int("sub_buffers", &spec->sub_buffers)) {
    check(spec->sub_buffers >= 1, r, "sub_buffers", "must be at least 1");
  }
  check(spec->buffer_bytes >= spec->sub_buffers, r, r.has("buffer") ? "buffer" : "sub_buffers",
        "leaves less than one byte per sub-buffer");
  if (r.read_quantity("safety_factor", Quantity::fraction, &spec->safety_factor)) {
    check(spec->safety_factor > 0, r, "safety_factor", "must lie in (0, 1]");
  }
}

StrategySpec read_strategy(const YAML::Node& node, const std::string& context, const Scenario& s) {
  if (node.IsScalar()) {  // a bare kind name: that kind's defaults
    const size_t kind = read_choice(node, s.file, context, kStrategyKindNames);
    return strategy_defaults(StrategyKind(kind));
  }
  const MapReader r(
      node, s.file, context,
      {"name", "kind", "replicas", "placement", "mode", "buffer", "sub_buffers", "safety_factor",
       "persistent_interval", "interval_iterations", "serialization"});
  size_t kind = 0;
  if (!read_choice(r, "kind", kStrategyKindNames, &kind)) {
    // Without a kind, the name must be one ("- name: gemini").
    if (!r.has("name")) r.require({"kind"});
    const std::string name = scalar_text(r.get("name"), s.file, "'name'");
    const auto found = std::find(kStrategyKindNames.begin(), kStrategyKindNames.end(), name);
    if (found == kStrategyKindNames.end()) {
      r.fail("name",
             "strategy '" + name + "' needs a 'kind' (one of " + join(kStrategyKindNames) + ")");
    }
    kind = size_t(found - kStrategyKindNames.begin());
  }
  StrategySpec spec = strategy_defaults(StrategyKind(kind));
  r.read_string("name", &spec.name);
  check(!spec.name.empty(), r, "name", "must not be empty");
  if (spec.kind != StrategyKind::gemini) {
    for (const std::string& key : kGeminiOnlyKeys) {
      check(!r.has(key), r, key,
            std::string("applies only to kind gemini, not ") + to_string(spec.kind));
    }
  }
  read_gemini_options(r, s.machines, &spec);
  check(!(spec.kind == StrategyKind::highfreq && r.has("persistent_interval")), r, "persistent_interval",
        "does not apply to highfreq, which writes to persistent storage every interval_iterations");
  r.read_quantity("persistent_interval", Quantity::duration, &spec.persistent_interval_s);
  if (r.read_int("interval_iterations", &spec.interval_iterations)) {
    const bool automatic_ok = spec.kind == StrategyKind::highfreq;
    check(spec.interval_iterations >= (automatic_ok ? 0 : 1), r, "interval_iterations",
          automatic_ok ? "must not be negative (0: as often as storage allows)"
                       : "must be at least 1");
  }
  r.read_quantity("serialization", Quantity::duration, &spec.serialization_s);
  return spec;
}

void read_strategies(const MapReader& root, Scenario* s) {
  const YAML::Node list = root.get("strategies");
  if (!list.IsSequence() || list.size() == 0) {
    root.fail("strategies", "'strategies' must be a non-empty list, e.g. [strawman, gemini]");
  }
  std::map<std::string, std::string> seen;  // name -> context that used it first
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string context = "strategies[" + std::to_string(i) + "]";
    const YAML::Node node = list[i];
    StrategySpec spec = read_strategy(node, context, *s);
    const auto [it, inserted] = seen.emplace(spec.name, context);
    if (!inserted) {
      const YAML::Node at = node.IsMap() && node["name"] ? node["name"] : node;
      throw ConfigError(s->file, line_of(at),
                        "duplicate strategy name '" + spec.name + "' in " + context + " (" +
                            it->second + " has it too); give each a distinct 'name'");
    }
    s->strategies.push_back(spec);
  }
}

void read_simulation(const MapReader& root, Scenario* s) {
  const MapReader r = root.child("simulation", {"trials", "seed"});
  if (r.read_int("trials", &s->trials)) check(s->trials >= 1, r, "trials", "must be at least 1");
  r.read_int("seed", &s->seed);
}

}  // namespace

ModelSpec load_model(const std::string& path) {
  return read_model(MapReader(load_yaml_file(path), path, "", kModelKeys));
}

Scenario load_scenario(const std::string& path) { return load_scenario(load_yaml_file(path), path); }

// From an already parsed (possibly edited, e.g. by a sweep) document; `path` resolves relative
// model and trace paths and names the file in messages (scenario_yaml.hpp).
Scenario load_scenario(const YAML::Node& document, const std::string& path) {
  Scenario s;
  s.file = path;
  const MapReader root(document, path, "",
                       {"name", "description", "cluster", "model", "training", "horizon", "storage",
                        "failures", "recovery", "strategies", "simulation"});
  root.require({"name", "cluster", "model", "horizon", "storage", "strategies"});
  root.read_string("name", &s.name);
  check(!s.name.empty(), root, "name", "must not be empty");
  root.read_string("description", &s.description);
  read_cluster(root, &s);
  s.model = resolve_model(root);
  read_training(root, &s);
  root.read_quantity("horizon", Quantity::duration, &s.horizon_s);
  check(s.horizon_s > 0, root, "horizon", "must be positive");
  read_storage(root, &s);
  read_failures(root, &s);
  read_recovery(root, &s);
  read_strategies(root, &s);
  read_simulation(root, &s);
  return s;
}

const char* to_string(StrategyKind kind) { return kStrategyKindNames[size_t(kind)].c_str(); }
const char* to_string(FailureKind kind) { return kFailureKindNames[size_t(kind)].c_str(); }
const char* to_string(FailureModel model) { return kFailureModelNames[size_t(model)].c_str(); }
const char* to_string(Placement placement) { return kPlacementNames[size_t(placement)].c_str(); }

}  // namespace gemini
