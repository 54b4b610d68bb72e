// Peer replication of checkpoint images over TCP (GEMINI's in-memory replicas).
//
// Every rank runs a ReplicaService: a listener bound to a configured address (loopback by
// default) that accepts only peers presenting the job token (read from the rendezvous store).
//   PUT owner bytes <image>: the image goes straight into the owner's replica segment in this
//     machine's memory store (a MemoryStore named <job>-m<machine>, rank = owner); the receiver
//     verifies every checksum before committing the slot, then acknowledges.
//   GET owner iteration: sends the committed replica of that iteration; the fetcher verifies.
// Wire: "GEMREPL1", u32 token length, token, u8 op, u32 owner, u64 argument; replies start with
// a u8 status (0 = ok) and u64 (PUT: iteration; GET: bytes), then the image (GET).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "host_buffer.hpp"
#include "memory_store.hpp"

namespace gemini::real {

struct ReplicaServiceConfig {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;           // 0: any free port
  std::string token;           // peers must present exactly this
  MemoryStoreConfig segments;  // job = "<job>-m<machine>", dir = shm dir; rank set per owner
  int io_timeout_s = 60;
  // Called (on the service thread) for every refused connection or request, with the reason.
  std::function<void(const std::string& why)> on_refused;
};

// What the service did, for the run's measurements (read at the end).
struct ReplicaServiceStats {
  uint64_t puts = 0, gets = 0, rejected_tokens = 0, failed = 0;  // puts: PUTs and local receives
  std::vector<double> put_receive_s;  // slot handed out to committed (recv + verify + commit)
};

class ReplicaService {
 public:
  explicit ReplicaService(ReplicaServiceConfig config);
  ~ReplicaService();  // stops the listener thread
  ReplicaService(const ReplicaService&) = delete;
  ReplicaService& operator=(const ReplicaService&) = delete;

  uint16_t port() const { return port_; }
  std::string address() const { return config_.bind_address + ":" + std::to_string(port_); }
  // Creates (or opens) `owner`'s replica segment with slots of `capacity` bytes now, so a
  // machine without room for its replicas fails at start-up, not at the first replication.
  void reserve(int owner, uint64_t capacity);
  // Iterations of complete replica slots this machine holds for `owner` (empty if none).
  std::vector<uint64_t> held_iterations(int owner);
  ReplicaServiceStats stats();

  // A replica this rank receives itself (the NCCL exchange) instead of through a PUT:
  // begin_local hands out the slot to write `owner`'s image of `bytes` into (throws
  // std::invalid_argument for a size no image has); commit_local verifies every checksum and
  // commits it, returning the image's iteration, or throws ImageError and leaves the replicas
  // held before as they were. Counted in stats() like a PUT.
  struct LocalSlot {
    int owner = -1;
    int slot = -1;
    uint8_t* data = nullptr;
    uint64_t bytes = 0;
    std::chrono::steady_clock::time_point started;
  };
  LocalSlot begin_local(int owner, uint64_t bytes);
  uint64_t commit_local(const LocalSlot& slot);

 private:
  void serve();
  void handle(int fd);
  LocalSlot begin_slot(int owner, uint64_t bytes);  // under mu_
  uint64_t commit_slot(const LocalSlot& slot);      // under mu_; throws ImageError
  MemoryStore* segment(int owner, uint64_t capacity);  // under mu_
  void refused(const std::string& why);                // under mu_: counted and reported

  ReplicaServiceConfig config_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<std::pair<int, std::unique_ptr<MemoryStore>>> segments_;
  ReplicaServiceStats stats_;
  std::thread thread_;
};

// Client side. Each call connects, presents the token and does one request. Throw
// std::runtime_error on connection, protocol or remote errors.
struct PutResult {
  uint64_t iteration = 0;
  double seconds = 0;  // connect to acknowledgement (sent, received, verified, committed)
};
// `halfway` (tests) runs once half the image is sent, e.g. to pause there.
PutResult put_replica(const std::string& address, const std::string& token, int owner,
                      const uint8_t* image, uint64_t bytes, int io_timeout_s = 60,
                      const std::function<void()>& halfway = {});

struct FetchResult {
  uint64_t bytes = 0;
  uint64_t checksum = 0;  // the image checksum (verified)
  double fetch_s = 0;   // connect to last byte received
  double verify_s = 0;  // every tensor checksum (on the fetcher)
};
// Fetches `owner`'s replica of `iteration` into `out` and verifies it (throws on mismatch).
FetchResult fetch_replica(const std::string& address, const std::string& token, int owner,
                          uint64_t iteration, HostBuffer& out, int io_timeout_s = 60);

// For tests: sends a hello with `token` and a GET, returns true if the server answered at all.
bool probe_with_token(const std::string& address, const std::string& token);

}  // namespace gemini::real
