// TrialResult <-> JSON, the form a trial's child process hands its result back in.
#pragma once
#include <nlohmann/json.hpp>

#include "gemini/simulation.hpp"

namespace gemini {

nlohmann::json trial_to_json(const TrialResult& trial);
TrialResult trial_from_json(const nlohmann::json& j);

}  // namespace gemini
