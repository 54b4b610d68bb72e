// Calibrated hardware profiles: the YAML gemini-calibrate writes (calibrate/profiles/*.yaml).
#pragma once
#include <string>
#include <vector>

#include "gemini/hardware.hpp"

namespace gemini {

// Replaces the figures the profile measured (GPU-to-CPU copies, local disk, GPU memory) in
// `hardware` and appends to its `source`; the rest stays as it was (datasheet figures or
// overrides). Returns what it replaced. Throws ConfigError (profile file:line) on a bad profile.
std::vector<std::string> apply_calibrated_profile(const std::string& path, HardwareProfile* hardware);

}  // namespace gemini
