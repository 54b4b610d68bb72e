// The SimGrid platform built from a scenario: per machine a GPU side and a CPU-memory side,
// a NIC, a PCIe path between them, a switch fabric, and the shared persistent storage.
#pragma once
#include <vector>

#include "gemini/scenario.hpp"

namespace simgrid::s4u {
class Host;
}

namespace gemini {

struct MachineHosts {
  simgrid::s4u::Host* gpu = nullptr;  // the machine's GPUs (NIC + PCIe on its routes)
  simgrid::s4u::Host* mem = nullptr;  // the machine's CPU memory (NIC on its routes)
};

// Routes (star fabric; split-duplex NIC and PCIe links; the NIC reaches GPU memory directly,
// as with GPUDirect RDMA):
//   mem_i -> gpu_i : pcie_i              (local restore)    gpu_i -> mem_i : pcie_i (snapshot)
//   mem_i -> gpu_j : nic_i, nic_j        (restore from a peer's CPU memory)
//   gpu_i -> gpu_j : nic_i, nic_j        (training collectives, checkpoint chunks)
//   storage -> gpu_j : storage, nic_j    (restore from persistent storage)
//   mem_i -> storage : nic_i, storage    (upload to persistent storage)
// `cohort` is one extra machine whose links are N times wider: N identical machines moving
// identical data through the shared storage behave, under max-min sharing, as one flow of
// N times the bytes through it, which keeps large clusters cheap to simulate.
struct LinkCost {
  double bandwidth_bytes_per_s = 0;
  double latency_s = 0;
};

struct Platform {
  std::vector<MachineHosts> machines;
  MachineHosts cohort;
  simgrid::s4u::Host* storage = nullptr;
};

// Must be called once, before the simulation runs (SimGrid: one platform per process).
Platform build_platform(const Scenario& scenario);

}  // namespace gemini
