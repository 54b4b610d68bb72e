// NcclComm where this build has no NCCL (see nccl_comm.hpp): says so and refuses to start.
#include <stdexcept>

#include "nccl_comm.hpp"

namespace gemini::real {

struct NcclComm::Impl {};

bool NcclComm::compiled() { return false; }

std::string NcclComm::describe() {
  return "built without NCCL (needs a CUDA toolkit and NCCL >= 2.14 at configure time; see cmake/nccl.cmake)";
}

NcclComm::NcclComm(const NcclConfig&, const RingRendezvous&) {
  throw std::runtime_error("NCCL: " + describe());
}
NcclComm::~NcclComm() = default;
void NcclComm::allreduce_sum_device(float*, size_t) {}
void NcclComm::barrier() {}
std::vector<uint64_t> NcclComm::exchange_sizes(const std::vector<NcclHostSend>&, const std::vector<int>&) { return {}; }
double NcclComm::exchange(const std::vector<NcclHostSend>&, const std::vector<NcclHostRecv>&) { return 0; }

}  // namespace gemini::real
