// Checkpoint data movements as SimGrid flows.
#include "gemini/transfers.hpp"

#include <simgrid/s4u.hpp>

#include <numeric>

namespace sg4 = simgrid::s4u;

namespace gemini {
namespace {

uint64_t as_bytes(double b) { return static_cast<uint64_t>(b + 0.5); }

bool is_everyone(const Platform& p, size_t count) {
  return count == p.machines.size() && count > kCohortAboveMachines;
}

}  // namespace

Flows start_storage_reads(const Platform& p, const std::vector<int>& machines, double bytes_each) {
  if (is_everyone(p, machines.size())) {
    return {sg4::Comm::sendto_async(p.storage, p.cohort.gpu, as_bytes(bytes_each * machines.size()))};
  }
  Flows flows;
  for (int m : machines) flows.push_back(sg4::Comm::sendto_async(p.storage, p.machines[m].gpu, as_bytes(bytes_each)));
  return flows;
}

Flows start_storage_writes(const Platform& p, double bytes_each) {
  if (is_everyone(p, p.machines.size())) {
    return {sg4::Comm::sendto_async(p.cohort.mem, p.storage, as_bytes(bytes_each * p.machines.size()))};
  }
  Flows flows;
  for (const MachineHosts& m : p.machines) flows.push_back(sg4::Comm::sendto_async(m.mem, p.storage, as_bytes(bytes_each)));
  return flows;
}

sg4::CommPtr start_memory_restore(const Platform& p, int from, int to, double bytes) {
  return sg4::Comm::sendto_async(p.machines[from].mem, p.machines[to].gpu, as_bytes(bytes));
}

bool wait_flows(Flows& flows, double timeout_s) {
  const size_t finished = timeout_s < 0 ? (sg4::Comm::wait_all(flows), flows.size())
                                        : sg4::Comm::wait_all_for(flows, timeout_s);
  const bool all = finished == flows.size();
  if (!all) {
    for (auto& f : flows) {
      if (!f->test()) f->cancel();
    }
  }
  flows.clear();
  return all;
}

bool flows_done(Flows& flows) {
  for (auto& f : flows) {
    if (!f->test()) return false;
  }
  flows.clear();
  return true;
}

}  // namespace gemini
