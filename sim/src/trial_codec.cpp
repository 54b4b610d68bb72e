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

}  // namespace gemini
