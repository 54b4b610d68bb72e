// One trial of a scenario in one SimGrid engine.
#include "gemini/simulation.hpp"

#include <simgrid/s4u.hpp>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "gemini/failure_trace.hpp"
#include "gemini/iteration_profile.hpp"
#include "gemini/job_actor.hpp"
#include "gemini/platform.hpp"
#include "gemini/strategy.hpp"

namespace sg4 = simgrid::s4u;

namespace gemini {
namespace {

std::unique_ptr<sg4::Engine> make_engine() {
  // Plain max-min sharing without TCP correction factors: transfer times are bytes/bandwidth
  // plus latency, which is what the hardware profile's alpha/beta figures describe.
  // TCP-gamma 0 lifts the TCP window cap (gamma / 2 latency) that would bound every flow.
  std::vector<std::string> args = {"gemini-sim", "--cfg=network/model:CM02", "--cfg=network/crosstraffic:0",
                                   "--log=root.thres:critical", "--cfg=network/TCP-gamma:0"};
  // Sanitizer builds switch to thread contexts: ASan cannot follow SimGrid's raw stack switches.
  if (const char* factory = std::getenv("GEMINI_SIMGRID_CONTEXTS"); factory && *factory) {
    args.push_back(std::string("--cfg=contexts/factory:") + factory);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  return std::make_unique<sg4::Engine>(&argc, argv.data());
}

std::vector<StrategyPlan> plan_all(const Scenario& s, const Platform& platform) {
  const TrainingTraffic traffic = make_training_traffic(s);
  const IterationTimeline baseline = simulate_iteration(platform, traffic, CheckpointTraffic::none, nullptr);
  const PlanContext ctx{s, platform, traffic, baseline};
  std::vector<StrategyPlan> plans;
  for (const StrategySpec& spec : s.strategies) plans.push_back(plan_strategy(ctx, spec));
  return plans;
}

// Strategies run one after another in simulated time; each measures its own span.
void trial_actor(const Scenario& s, const Platform& platform, const std::vector<FailureEvent>& trace,
                 const std::vector<StrategyPlan>* given_plans, TrialResult& result,
                 std::vector<StrategyTimeline>* timelines) {
  const std::vector<StrategyPlan> plans = given_plans ? *given_plans : plan_all(s, platform);
  for (const StrategyPlan& plan : plans) {
    StrategyResult r;
    r.name = plan.name;
    r.iteration_s = plan.iteration_s;
    r.compute_iteration_s = plan.compute_iteration_s;
    r.checkpoint_time_s = plan.checkpoint_time_s;
    r.checkpoint_interval_iterations = plan.checkpoint_interval_iterations;
    StrategyTimeline* timeline = nullptr;
    if (timelines) {
      timelines->emplace_back();
      timeline = &timelines->back();
      timeline->strategy = plan.name;
    }
    r.outcome = run_strategy(s, platform, plan, trace, timeline);
    result.strategies.push_back(std::move(r));
  }
}

}  // namespace

std::vector<StrategyPlan> plan_strategies(const Scenario& scenario) {
  const auto engine = make_engine();
  const Platform platform = build_platform(scenario);
  std::vector<StrategyPlan> plans;
  sg4::Actor::create("plan", platform.machines.at(0).gpu, [&] { plans = plan_all(scenario, platform); });
  engine->run();
  return plans;
}

TrialResult run_trial(const Scenario& scenario, int trial_index, std::vector<StrategyTimeline>* timelines,
                      const std::vector<StrategyPlan>* plans) {
  const auto engine = make_engine();
  const Platform platform = build_platform(scenario);
  const std::vector<FailureEvent> trace = generate_failure_trace(scenario, trial_seed(scenario.seed, trial_index));
  TrialResult result;
  result.trial = trial_index;
  result.failures_in_trace = static_cast<int64_t>(trace.size());
  sg4::Actor::create("trial", platform.machines.at(0).gpu,
                     [&] { trial_actor(scenario, platform, trace, plans, result, timelines); });
  engine->run();
  return result;
}

}  // namespace gemini
