// NcclComm with NCCL (see nccl_comm.hpp): non-blocking communicator, every wait polled against
// the deadline, abort + dist::PeerFailure on any failure.
#include "nccl_comm.hpp"

#include <cuda_runtime.h>
#include <nccl.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "dist.hpp"
#include "hex_text.hpp"

#if NCCL_VERSION_CODE < NCCL_VERSION(2, 14, 0)
#error "real/ needs NCCL >= 2.14 (non-blocking communicators); configure with -DGEMINI_WITH_NCCL=OFF"
#endif

namespace gemini::real {

namespace {

using Clock = std::chrono::steady_clock;

void cuda_check(cudaError_t e, const std::string& what) {
  if (e != cudaSuccess) throw std::runtime_error(what + ": " + cudaGetErrorString(e));
}

// Device memory freed on scope exit.
struct DeviceBuffer {
  void* ptr = nullptr;
  uint64_t bytes = 0;
  DeviceBuffer() = default;
  explicit DeviceBuffer(uint64_t n) : bytes(n) {
    if (n > 0) cuda_check(cudaMalloc(&ptr, n), "cudaMalloc of " + std::to_string(n) + " bytes");
  }
  ~DeviceBuffer() {
    if (ptr) cudaFree(ptr);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr(o.ptr), bytes(o.bytes) { o.ptr = nullptr; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(ptr, o.ptr);
    std::swap(bytes, o.bytes);
    return *this;
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  uint8_t* data() const { return static_cast<uint8_t*>(ptr); }
};

}  // namespace

struct NcclComm::Impl {
  NcclConfig config;
  ncclComm_t comm = nullptr;
  cudaStream_t stream = nullptr;
  bool failed = false;   // an operation failed or timed out: aborted, unusable
  bool joining = false;  // in the constructor: an error (not a timeout) is a set-up problem
  DeviceBuffer scratch;  // barrier's float and exchange_sizes' counts
  std::vector<DeviceBuffer> send_stage, recv_stage;  // exchange(): one chunk per buffer

  // At least `count` staging buffers of at least `bytes` each (grown, never shrunk).
  static void reserve_staging(std::vector<DeviceBuffer>& stage, size_t count, uint64_t bytes) {
    for (auto& b : stage) {
      if (b.bytes < bytes) b = DeviceBuffer(bytes);
    }
    while (stage.size() < count) stage.emplace_back(bytes);
  }

  // Makes this rank's device current for the calling thread (training and replication threads).
  void use_device() const { cuda_check(cudaSetDevice(config.device), "cudaSetDevice(" + std::to_string(config.device) + ")"); }

  // A timeout is a dead or hung peer (PeerFailure: the launcher restarts the job); an error while
  // joining is this rank's set-up (e.g. two ranks on one GPU), which a restart would not mend.
  [[noreturn]] void fail(const std::string& what, bool timed_out = false) {
    failed = true;
    if (comm) ncclCommAbort(comm);
    comm = nullptr;
    const std::string message = "NCCL " + config.prefix + " on cuda:" + std::to_string(config.device) + ": " + what;
    if (joining && !timed_out) throw std::runtime_error(message + " (NCCL needs one GPU per rank)");
    throw dist::PeerFailure(message);
  }
  void check(ncclResult_t r, const char* what) {
    if (r != ncclSuccess && r != ncclInProgress) fail(std::string(what) + ": " + ncclGetErrorString(r));
  }
  // Waits until the communicator has no call in progress (non-blocking init, group end).
  void wait_comm(const char* what, Clock::time_point deadline) {
    for (;;) {
      ncclResult_t state = ncclSuccess;
      check(ncclCommGetAsyncError(comm, &state), what);
      if (state == ncclSuccess) return;
      if (state != ncclInProgress) fail(std::string(what) + ": " + ncclGetErrorString(state));
      if (Clock::now() > deadline) fail(std::string(what) + ": no progress within the timeout", true);
      std::this_thread::yield();
    }
  }
  // Waits until the stream's work is done, watching the communicator for a peer's failure.
  void wait_stream(const char* what, Clock::time_point deadline) {
    wait_comm(what, deadline);
    for (;;) {
      const cudaError_t q = cudaStreamQuery(stream);
      if (q == cudaSuccess) return;
      if (q != cudaErrorNotReady) fail(std::string(what) + ": " + cudaGetErrorString(q));
      ncclResult_t state = ncclSuccess;
      check(ncclCommGetAsyncError(comm, &state), what);
      if (state != ncclSuccess && state != ncclInProgress) fail(std::string(what) + ": " + ncclGetErrorString(state));
      if (Clock::now() > deadline) fail(std::string(what) + ": a peer made no progress within the timeout", true);
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
  // A failed communicator was aborted already (fail()). A healthy one: finalize, which flushes
  // outstanding work (non-blocking: polled), then destroy; abort it if that gets stuck.
  ~Impl() {
    if (comm) {
      cudaSetDevice(config.device);
      const ncclResult_t r = ncclCommFinalize(comm);
      bool clean = r == ncclSuccess || r == ncclInProgress;
      ncclResult_t state = ncclInProgress;
      const auto deadline = Clock::now() + std::chrono::seconds(10);
      while (clean && ncclCommGetAsyncError(comm, &state) == ncclSuccess && state == ncclInProgress) {
        clean = Clock::now() < deadline;
        std::this_thread::yield();
      }
      if (clean && state == ncclSuccess) {
        ncclCommDestroy(comm);
      } else {
        ncclCommAbort(comm);
      }
    }
    if (stream) cudaStreamDestroy(stream);
  }
  Clock::time_point deadline() const { return Clock::now() + config.timeout; }
  void usable() const {
    if (failed || !comm) throw dist::PeerFailure("NCCL " + config.prefix + ": communicator already failed");
  }
};

bool NcclComm::compiled() { return true; }

std::string NcclComm::describe() {
  int v = 0;
  if (ncclGetVersion(&v) != ncclSuccess) return "NCCL (version unknown)";
  // Since 2.9 the code is major*10000 + minor*100 + patch.
  return "NCCL " + std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

NcclComm::NcclComm(const NcclConfig& config, const RingRendezvous& rendezvous) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.config = config;
  if (config.world < 1 || config.rank < 0 || config.rank >= config.world) {
    throw std::invalid_argument("NCCL: rank " + std::to_string(config.rank) + " of " + std::to_string(config.world));
  }
  m.use_device();
  ncclUniqueId id;
  const std::string key = config.prefix + "/id";
  if (config.rank == 0) {
    if (ncclGetUniqueId(&id) != ncclSuccess) throw std::runtime_error("ncclGetUniqueId failed");
    rendezvous.set(key, hex_encode(reinterpret_cast<const uint8_t*>(id.internal), sizeof id.internal));
  } else {
    const std::vector<uint8_t> raw = hex_decode(rendezvous.wait_get(key, config.timeout));
    if (raw.size() != sizeof id.internal) throw std::runtime_error("NCCL unique id of the wrong size at " + key);
    std::memcpy(id.internal, raw.data(), raw.size());
  }
  cuda_check(cudaStreamCreateWithFlags(&m.stream, cudaStreamNonBlocking), "cudaStreamCreate");
  m.scratch = DeviceBuffer(sizeof(uint64_t) * static_cast<uint64_t>(2 * config.world + 2));
  ncclConfig_t nc = NCCL_CONFIG_INITIALIZER;
  nc.blocking = 0;  // return at once; we poll with a deadline
  m.joining = true;
  m.check(ncclCommInitRankConfig(&m.comm, config.world, id, config.rank, &nc), "ncclCommInitRankConfig");
  m.wait_comm("joining the communicator", m.deadline());
  m.joining = false;
}

NcclComm::~NcclComm() = default;

void NcclComm::allreduce_sum_device(float* device_data, size_t count) {
  Impl& m = *impl_;
  m.usable();
  m.use_device();
  const auto deadline = m.deadline();
  m.check(ncclAllReduce(device_data, device_data, count, ncclFloat, ncclSum, m.comm, m.stream), "ncclAllReduce");
  m.wait_stream("all-reduce", deadline);
}

void NcclComm::barrier() {
  Impl& m = *impl_;
  m.usable();
  m.use_device();
  cuda_check(cudaMemsetAsync(m.scratch.ptr, 0, sizeof(float), m.stream), "cudaMemsetAsync");
  allreduce_sum_device(static_cast<float*>(m.scratch.ptr), 1);
}

std::vector<uint64_t> NcclComm::exchange_sizes(const std::vector<NcclHostSend>& to, const std::vector<int>& from) {
  Impl& m = *impl_;
  m.usable();
  m.use_device();
  // Scratch layout: the sizes sent (one slot per peer rank), then the sizes received.
  const auto world = static_cast<size_t>(m.config.world);
  std::vector<uint64_t> out_sizes(world, 0), in_sizes(world, 0);
  for (const auto& s : to) out_sizes.at(static_cast<size_t>(s.peer)) = s.bytes;
  auto* sent = reinterpret_cast<uint64_t*>(m.scratch.ptr);
  uint64_t* received = sent + world;
  const auto deadline = m.deadline();
  cuda_check(cudaMemcpyAsync(sent, out_sizes.data(), world * sizeof(uint64_t), cudaMemcpyHostToDevice, m.stream),
             "copying the sizes to the device");
  m.check(ncclGroupStart(), "ncclGroupStart");
  for (const auto& s : to) m.check(ncclSend(sent + s.peer, 1, ncclUint64, s.peer, m.comm, m.stream), "ncclSend");
  for (int p : from) m.check(ncclRecv(received + p, 1, ncclUint64, p, m.comm, m.stream), "ncclRecv");
  m.check(ncclGroupEnd(), "ncclGroupEnd");
  // Received first (polled), then copied: a copy into pageable memory would block on a dead peer.
  m.wait_stream("exchanging sizes", deadline);
  cuda_check(cudaMemcpyAsync(in_sizes.data(), received, world * sizeof(uint64_t), cudaMemcpyDeviceToHost, m.stream),
             "copying the sizes to the host");
  m.wait_stream("exchanging sizes", deadline);
  std::vector<uint64_t> result;
  for (int p : from) result.push_back(in_sizes.at(static_cast<size_t>(p)));
  return result;
}

double NcclComm::exchange(const std::vector<NcclHostSend>& sends, const std::vector<NcclHostRecv>& recvs) {
  Impl& m = *impl_;
  m.usable();
  m.use_device();
  const auto t0 = Clock::now();
  uint64_t longest = 0;
  for (const auto& s : sends) longest = std::max(longest, s.bytes);
  for (const auto& r : recvs) longest = std::max(longest, r.bytes);
  const uint64_t chunk = std::min(longest, std::max<uint64_t>(m.config.chunk_bytes, 1));
  // Staging kept from one exchange to the next: cudaFree would synchronise the whole device,
  // i.e. wait for the training stream, at every checkpoint.
  std::vector<DeviceBuffer>& send_stage = m.send_stage;
  std::vector<DeviceBuffer>& recv_stage = m.recv_stage;
  m.reserve_staging(send_stage, sends.size(), chunk);
  m.reserve_staging(recv_stage, recvs.size(), chunk);
  // One group per chunk offset: every pair moves its piece at that offset. Both ends of a pair
  // have the same byte count (exchange_sizes), so both skip a finished pair's empty pieces.
  for (uint64_t offset = 0; offset < longest; offset += chunk) {
    const auto deadline = m.deadline();
    auto piece = [&](uint64_t bytes) { return offset >= bytes ? 0 : std::min(chunk, bytes - offset); };
    for (size_t i = 0; i < sends.size(); ++i) {
      if (const uint64_t n = piece(sends[i].bytes)) {
        cuda_check(cudaMemcpyAsync(send_stage[i].ptr, sends[i].data + offset, n, cudaMemcpyHostToDevice, m.stream),
                   "staging a send");
      }
    }
    m.check(ncclGroupStart(), "ncclGroupStart");
    for (size_t i = 0; i < sends.size(); ++i) {
      if (const uint64_t n = piece(sends[i].bytes)) {
        m.check(ncclSend(send_stage[i].ptr, n, ncclUint8, sends[i].peer, m.comm, m.stream), "ncclSend");
      }
    }
    for (size_t i = 0; i < recvs.size(); ++i) {
      if (const uint64_t n = piece(recvs[i].bytes)) {
        m.check(ncclRecv(recv_stage[i].ptr, n, ncclUint8, recvs[i].peer, m.comm, m.stream), "ncclRecv");
      }
    }
    m.check(ncclGroupEnd(), "ncclGroupEnd");
    m.wait_stream("exchange", deadline);  // before the copies out: see exchange_sizes
    for (size_t i = 0; i < recvs.size(); ++i) {
      if (const uint64_t n = piece(recvs[i].bytes)) {
        cuda_check(cudaMemcpyAsync(recvs[i].data + offset, recv_stage[i].ptr, n, cudaMemcpyDeviceToHost, m.stream),
                   "unstaging a receive");
      }
    }
    m.wait_stream("exchange", deadline);
  }
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace gemini::real
