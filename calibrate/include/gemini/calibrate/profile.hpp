// Writes a calibration run as a YAML hardware profile (a flat document, emitted by hand).
#pragma once
#include <string>

#include "gemini/calibrate/results.hpp"

namespace gemini::calibrate {

// "AMD EPYC 7B13 64-Core Processor" -> "amd-epyc-7b13-64-core-processor".
std::string slugify(const std::string& text);

// A YAML double-quoted scalar with escapes, safe for any text.
std::string yaml_quote(const std::string& text);

// The profile: name, source, tool, date, command, machine, a `hardware` block in the
// simulator's HardwareProfile field names (only the fields measured), and `benchmarks` with each
// fit and the medians per size. `profile_name` empty: "cpu-<slug>" or "gpu-<slug>".
std::string to_profile_yaml(const CalibrationRun& run, const std::string& profile_name = "");

std::string default_profile_name(const MachineInfo& machine);

}  // namespace gemini::calibrate
