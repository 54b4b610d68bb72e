// TrialResult and StrategyPlan <-> JSON: the forms worker processes hand their results back in.
#pragma once
#include <nlohmann/json.hpp>

#include "gemini/simulation.hpp"

namespace gemini {

nlohmann::json trial_to_json(const TrialResult& trial);
TrialResult trial_from_json(const nlohmann::json& j);

nlohmann::json plans_to_json(const std::vector<StrategyPlan>& plans);
std::vector<StrategyPlan> plans_from_json(const nlohmann::json& j);

}  // namespace gemini
