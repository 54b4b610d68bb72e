// NCCL between the ranks of one generation, torch-free (CUDA runtime + NCCL C API): the gradient
// all-reduce on device memory (`--collective nccl`) and the pairwise image exchange of GEMINI's
// replication (`--replication-transport nccl`).
//
// Failure handling is the point of this wrapper: a blocking NCCL call waits forever for a peer
// that was killed. The communicator is created non-blocking, and every operation is polled
// (ncclCommGetAsyncError, cudaStreamQuery) against a deadline; on an error or the deadline the
// communicator is aborted and dist::PeerFailure thrown, so the rank exits like a rank whose Gloo
// or TCP peer died and the launcher restarts the generation.
//
// Built from nccl_comm.cpp where CMake found CUDA and NCCL >= 2.14, else from nccl_none.cpp, whose
// constructor throws and whose compiled() is false.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tcp_allreduce.hpp"  // RingRendezvous: set / wait_get on the launcher's store

namespace gemini::real {

struct NcclConfig {
  int rank = 0;
  int world = 1;
  int device = 0;      // CUDA device index of this rank
  std::string prefix;  // store key prefix of this communicator, e.g. "g3/nccl/grad"
  std::chrono::milliseconds timeout{60000};  // set-up, and each operation
  uint64_t chunk_bytes = uint64_t{64} << 20;  // exchange: device staging per buffer
};

// One host buffer of an exchange: sent to `peer` or received from it.
struct NcclHostSend {
  int peer = 0;
  const uint8_t* data = nullptr;
  uint64_t bytes = 0;
};
struct NcclHostRecv {
  int peer = 0;
  uint8_t* data = nullptr;
  uint64_t bytes = 0;  // must equal what the peer sends (see exchange_sizes)
};

class NcclComm {
 public:
  // True where this build has the NCCL implementation.
  static bool compiled();
  // "NCCL 2.27.3", or why it is not there ("built without NCCL ...").
  static std::string describe();

  // Rank 0 creates the unique id and publishes it at <prefix>/id; every rank then joins.
  NcclComm(const NcclConfig& config, const RingRendezvous& rendezvous);
  ~NcclComm();  // aborts the communicator if an operation failed, else destroys it
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;

  // In-place sum over ranks of `count` floats in this rank's device memory. The caller has
  // finished writing them (synchronised its own stream); they are final when this returns.
  void allreduce_sum_device(float* device_data, size_t count);
  void barrier();
  // Each rank tells each peer in `to` how many bytes it will send; returns what each peer in
  // `from` will send to it (in the order of `from`). Every send must have its receive.
  std::vector<uint64_t> exchange_sizes(const std::vector<NcclHostSend>& to, const std::vector<int>& from);
  // Moves host buffers between ranks through device staging buffers, chunk by chunk, all pairs
  // of one chunk in one NCCL group (so the pattern cannot deadlock). Returns the wall seconds.
  double exchange(const std::vector<NcclHostSend>& sends, const std::vector<NcclHostRecv>& recvs);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gemini::real
