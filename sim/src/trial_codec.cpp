// TrialResult <-> JSON (lossless: doubles round-trip through nlohmann's shortest form).
#include "gemini/trial_codec.hpp"

namespace gemini {

nlohmann::json trial_to_json(const TrialResult& t) {
  nlohmann::json j{{"trial", t.trial}, {"failures_in_trace", t.failures_in_trace}};
  for (const StrategyResult& r : t.strategies) {
    const StrategyOutcome& o = r.outcome;
    j["strategies"].push_back({{"name", r.name},
                               {"iteration_s", r.iteration_s},
                               {"compute_iteration_s", r.compute_iteration_s},
                               {"checkpoint_time_s", r.checkpoint_time_s},
                               {"interval", r.checkpoint_interval_iterations},
                               {"seconds", o.seconds},
                               {"lost_progress_s", o.lost_progress_s},
                               {"failures", o.failures},
                               {"final_iteration", o.final_iteration},
                               {"recoveries", o.recoveries}});
  }
  return j;
}

TrialResult trial_from_json(const nlohmann::json& j) {
  TrialResult t;
  t.trial = j.at("trial").get<int>();
  t.failures_in_trace = j.at("failures_in_trace").get<int64_t>();
  for (const auto& s : j.at("strategies")) {
    StrategyResult r;
    r.name = s.at("name").get<std::string>();
    r.iteration_s = s.at("iteration_s").get<double>();
    r.compute_iteration_s = s.at("compute_iteration_s").get<double>();
    r.checkpoint_time_s = s.at("checkpoint_time_s").get<double>();
    r.checkpoint_interval_iterations = s.at("interval").get<int64_t>();
    StrategyOutcome& o = r.outcome;
    o.seconds = s.at("seconds").get<decltype(o.seconds)>();
    o.lost_progress_s = s.at("lost_progress_s").get<double>();
    o.failures = s.at("failures").get<int64_t>();
    o.final_iteration = s.at("final_iteration").get<int64_t>();
    o.recoveries = s.at("recoveries").get<decltype(o.recoveries)>();
    t.strategies.push_back(std::move(r));
  }
  return t;
}

// One field list for both directions keeps the two in step.
template <typename Plan, typename Visit>
void visit_plan(Plan& p, Visit&& v) {
  v("name", p.name);
  v("kind", p.kind);
  v("shard_bytes", p.shard_bytes);
  v("compute_iteration_s", p.compute_iteration_s);
  v("iteration_s", p.iteration_s);
  v("frequent_tier", p.frequent_tier);
  v("frequent_interval_iterations", p.frequent_interval_iterations);
  v("frequent_stall_s", p.frequent_stall_s);
  v("frequent_completion_s", p.frequent_completion_s);
  v("frequent_restore_local_s", p.frequent_restore_local_s);
  v("holders", p.holders);
  v("persistent_interval_iterations", p.persistent_interval_iterations);
  v("persistent_stall_s", p.persistent_stall_s);
  v("persistent_upload_s", p.persistent_upload_s);
  v("checkpoint_time_s", p.checkpoint_time_s);
  v("checkpoint_interval_iterations", p.checkpoint_interval_iterations);
}

nlohmann::json plans_to_json(const std::vector<StrategyPlan>& plans) {
  nlohmann::json out = nlohmann::json::array();
  for (const StrategyPlan& p : plans) {
    nlohmann::json j;
    visit_plan(p, [&](const char* key, const auto& value) { j[key] = value; });
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<StrategyPlan> plans_from_json(const nlohmann::json& j) {
  std::vector<StrategyPlan> plans;
  for (const nlohmann::json& item : j) {
    StrategyPlan p;
    visit_plan(p, [&](const char* key, auto& value) { item.at(key).get_to(value); });
    plans.push_back(std::move(p));
  }
  return plans;
}

}  // namespace gemini
