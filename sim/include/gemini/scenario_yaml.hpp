// Loading a scenario from a YAML document already in memory (sweeps edit the base scenario's
// document, then validate each point with the same rules as a file).
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

#include "gemini/scenario.hpp"

namespace gemini {

// Validates `document` exactly as load_scenario(path) validates a file; `path` is where relative
// model and failure-trace paths resolve from, and the file named in ConfigError messages.
Scenario load_scenario(const YAML::Node& document, const std::string& path);

}  // namespace gemini
