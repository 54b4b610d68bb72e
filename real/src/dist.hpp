// Rendezvous store and collectives behind a torch-free interface: our store (kv_store.hpp), and the
// gradient all-reduce either through ProcessGroupGloo or through our own TCP ring
// (tcp_allreduce.hpp), which needs no Gloo headers. dist.cpp is the only file that includes
// c10d/Gloo headers and the only place that knows how they differ between LibTorch 1.13 and 2.x.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace gemini::real {
class NcclComm;
}

namespace gemini::real::dist {

// The store failed or a wait on it ran out of time.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A collective failed: a peer died (connection reset/closed) or hung (timeout).
class PeerFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Key-value rendezvous store (kv_store.hpp: bound to one address, unlike LibTorch 1.13's
// TCPStore, which listens on every interface). Reads never block: `try_get` answers at once
// and `wait_get` polls. Safe to call from several threads (requests are serialised).
class KvStore {
 public:
  // Hosts the store on `bind`:`port` (0: any free port; see port()). The server outlives every rank.
  static std::unique_ptr<KvStore> serve(const std::string& bind, uint16_t port, std::chrono::milliseconds timeout);
  static std::unique_ptr<KvStore> connect(const std::string& host, uint16_t port,
                                          std::chrono::milliseconds timeout);
  ~KvStore();
  KvStore(const KvStore&) = delete;
  KvStore& operator=(const KvStore&) = delete;

  uint16_t port() const;
  const std::string& host() const;  // the address a client dials (MASTER_ADDR)
  void set(const std::string& key, const std::string& value);
  std::optional<std::string> try_get(const std::string& key);
  // Polls until `key` exists; throws StoreError after `timeout`.
  std::string wait_get(const std::string& key, std::chrono::milliseconds timeout);
  int64_t add(const std::string& key, int64_t delta);
  bool check(const std::string& key);

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit KvStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An NCCL communicator of `world` ranks on CUDA device `cuda_device`, meeting under `prefix` in
// the store (the gradients' and the replicas' communicators of one generation).
std::unique_ptr<NcclComm> nccl_on(KvStore& store, const std::string& prefix, int rank, int world, int cuda_device,
                                  std::chrono::milliseconds timeout);

// The all-reduce of one generation over `store` under key prefix `prefix`.
//   "gloo": a ProcessGroupGloo. The constructor first waits (polling the store, up to `timeout`)
//           until all `world` ranks arrived, then builds the group.
//   "tcp":  a TcpRing (tcp_allreduce.hpp): ranks publish <prefix>/ring/<rank> and connect to
//           their ring neighbours, presenting `token` (the job token); `timeout` bounds the setup
//           and any stretch without progress in a collective.
//   "nccl": an NcclComm (nccl_comm.hpp) on CUDA device `cuda_device`, one GPU per rank; the
//           buffers given to allreduce_sum are then device memory (device_memory()).
//   "auto": gloo where this LibTorch has it, else tcp.
// `host` is the numeric address gloo and tcp bind and advertise.
class Collective {
 public:
  Collective(KvStore& store, const std::string& prefix, int rank, int world,
             std::chrono::milliseconds timeout, const std::string& host,
             const std::string& kind = "auto", const std::string& token = "", int cuda_device = -1);
  ~Collective();
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  // Sum over ranks, in place (host memory; device memory when device_memory()). Throws PeerFailure.
  void allreduce_sum(float* data, size_t count);
  void barrier();
  bool device_memory() const;
  std::string name() const;      // the backend in use: "gloo", "tcp" or "nccl"
  static std::string backend();  // what "auto" picks: "gloo", or "tcp (... without Gloo headers)"
  static bool available();       // false when this LibTorch was built without Gloo
  // "" if `kind` (auto|gloo|tcp|nccl) can be used with this build, else why not.
  static std::string check_kind(const std::string& kind);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gemini::real::dist
