// A ring all-reduce over TCP sockets, for LibTorch builds without Gloo (the PyTorch 2.x pip
// wheel ships no Gloo headers) and for several ranks sharing one GPU (NCCL wants one GPU per rank).
//
// Rendezvous: every rank listens on `bind`:0, publishes "<prefix>/ring/<rank>" = "host:port"
// through the caller's key-value store (the launcher's TCPStore), connects to the next rank
// (rank + 1) % world and accepts the previous one. Each connection opens with a hello
//   "GEMRING1", u32 token length, token, u32 prefix length, prefix, u32 rank, u32 world
// which the acceptor checks (constant-time token compare, prefix, expected neighbour, world);
// anything else is closed without an answer. The acceptor then acknowledges with one byte.
//
// allreduce_sum (sum of floats, in place): a 16-byte header {call sequence, count} goes round
// the ring first (a mismatch is a bug and throws), then the buffer is split into `world` chunks
// and reduced with N-1 reduce-scatter steps (receive a chunk, add it) and N-1 all-gather steps
// (receive a reduced chunk, copy it). Each step sends to the next rank while receiving from the
// previous one (non-blocking sockets, poll), adding received floats as they arrive.
// Chunk c ends up as ((x_c + x_{c+1}) + x_{c+2}) + ... (indices mod world); every rank receives
// the same bytes, so the result is bit-identical on all ranks and deterministic for a given
// world size. With world <= 2 it equals the serial sum exactly.
//
// Failures: a peer that dies closes its sockets (the kernel does that on SIGKILL), so its
// neighbours see EOF or a reset at once and throw dist::PeerFailure; they exit and the failure
// propagates round the ring. A peer that hangs makes no progress: after `timeout` without any
// byte moving, PeerFailure. After a failure the ring is broken and every later call throws.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace gemini::real {

// How ranks find each other: `set` publishes a key, `wait_get` blocks until it exists (throws
// after `timeout`). dist::Collective binds these to the launcher's TCPStore; tests use files.
struct RingRendezvous {
  std::function<void(const std::string& key, const std::string& value)> set;
  std::function<std::string(const std::string& key, std::chrono::milliseconds timeout)> wait_get;
};

struct TcpRingConfig {
  int rank = 0;
  int world = 1;
  std::string prefix = "g0";        // rendezvous key prefix; also checked in the hello
  std::string bind = "127.0.0.1";   // numeric address to listen on (and advertise)
  std::string token;                // peers must present exactly this
  std::chrono::milliseconds timeout{60000};  // setup, and longest time without progress
};

struct TcpRingStats {
  uint64_t calls = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t rejected = 0;   // connections closed at setup (bad hello or token)
  double seconds = 0;      // total time in allreduce_sum
};

class TcpRing {
 public:
  // Connects the ring (blocks until both neighbours are connected). Throws dist::PeerFailure
  // when a neighbour does not show up within `timeout`.
  TcpRing(const TcpRingConfig& config, const RingRendezvous& rendezvous);
  ~TcpRing();
  TcpRing(const TcpRing&) = delete;
  TcpRing& operator=(const TcpRing&) = delete;

  // Sum over ranks, in place. Every rank must call it with the same count. Throws
  // dist::PeerFailure (peer closed, reset, or no progress for `timeout`).
  void allreduce_sum(float* data, size_t count);
  void barrier();

  int rank() const { return config_.rank; }
  int world() const { return config_.world; }
  const TcpRingStats& stats() const { return stats_; }

 private:
  // Sends `send_n` bytes to the next rank while receiving `recv_n` bytes from the previous one.
  // `on_received(bytes_so_far)` is called after every receive.
  void exchange(const void* send_buf, size_t send_n, void* recv_buf, size_t recv_n,
                const std::function<void(size_t)>& on_received);
  [[noreturn]] void fail(const std::string& what);

  TcpRingConfig config_;
  int next_fd_ = -1;  // to (rank + 1) % world
  int prev_fd_ = -1;  // from (rank - 1) % world
  bool broken_ = false;
  uint64_t sequence_ = 0;
  std::string broken_reason_;
  TcpRingStats stats_;
  std::vector<float> scratch_;  // one received chunk (reduce-scatter)
};

}  // namespace gemini::real
