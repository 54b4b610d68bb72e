// Helpers shared by the engine tests that run SimGrid (simulation_test, engine_flows_test).
#pragma once
#include <simgrid/s4u.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include "gemini/report.hpp"
#include "gemini/simulation.hpp"

namespace gemini::test {

namespace sg4 = simgrid::s4u;

// 4 x p4d.24xlarge links as built in: NIC 400 Gbps = 50e9 B/s per direction with 20 us
// latency; GPU-to-CPU (PCIe) 50e9 B/s with 10 us latency.
constexpr double kNicBw = 50e9, kNicLat = 20e-6;
constexpr double kPcieBw = 50e9, kPcieLat = 10e-6;

inline double secs(const StrategyOutcome& o, TimeCause c) { return o.at(c); }
inline int64_t recoveries(const StrategyOutcome& o, RecoverySource r) { return o.recoveries[static_cast<size_t>(r)]; }

inline const StrategyResult& by_name(const TrialResult& t, const std::string& name) {
  for (const StrategyResult& r : t.strategies) {
    if (r.name == name) return r;
  }
  throw std::runtime_error("no strategy " + name);
}

// The engine configuration run_trial uses (simulation.cpp): plain max-min sharing, so a
// transfer takes latency + bytes / bandwidth. SimGrid allows one engine per process.
inline std::unique_ptr<sg4::Engine> make_engine() {
  static int argc = 5;
  static char arg0[] = "engine_test", arg1[] = "--cfg=network/model:CM02",
              arg2[] = "--cfg=network/crosstraffic:0", arg3[] = "--log=root.thres:critical",
              arg4[] = "--cfg=network/TCP-gamma:0";
  static char* argv[] = {arg0, arg1, arg2, arg3, arg4, nullptr};
  return std::make_unique<sg4::Engine>(&argc, argv);
}

}  // namespace gemini::test
