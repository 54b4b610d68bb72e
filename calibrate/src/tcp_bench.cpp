// One loopback TCP connection between two threads, the path real/'s replication takes between
// two "machines" of one host. "tcp-loopback" sends from and receives into pre-faulted buffers
// (a replication during training: image and replica slots mapped and written at every save).
// "tcp-loopback-fresh" is a peer fetch after a failure: the restarted holder sends the replica
// from its shm segment through a mapping it has not touched yet (its faults are paid in the
// transfer), and the restarted rank receives into its HostBuffer, resident since it started
// (or, with --landing untouched, into memory the transfer faults in).
#include <sys/socket.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <thread>

#include "../../real/src/socket_io.hpp"  // torch-free: the same loops real/ uses
#include "buffer.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/sizes.hpp"
#include "loopback.hpp"
#include "shm_file.hpp"

namespace gemini::calibrate {
namespace {

using gemini::real::recv_all;
using gemini::real::send_all;

// The memory one end of a transfer sends from or receives into: acquire(n) gives it for n
// bytes before the transfer; release() runs after the acknowledgement, outside the sender's
// timing (real/ keeps its buffers and mappings afterwards).
struct TransferMemory {
  std::function<char*(uint64_t bytes)> acquire;
  std::function<void()> release = [] {};
};

// Sweeps one-way transfers on one connection: the sender times header + payload + 1-byte
// acknowledgement; the receiver answers every transfer until a zero header.
void sweep_loopback(const SweepConfig& cfg, const TransferMemory& source, const TransferMemory& landing,
                    BenchmarkResult& r, Progress& progress) {
  const uint64_t max = cfg.sizes.back();
  const detail::LoopbackConnections conns(1);
  const int cfd = conns[0].client, sfd = conns[0].server;
  std::atomic<bool> receiver_failed{false};
  std::thread receiver([&] {
    try {
      for (;;) {
        uint64_t n = 0;
        if (!recv_all(sfd, &n, sizeof n)) { receiver_failed = true; break; }
        if (n == 0 || n > max) break;
        if (!recv_all(sfd, landing.acquire(n), n) || !send_all(sfd, "k", 1)) { receiver_failed = true; break; }
        landing.release();
      }
    } catch (...) {  // e.g. no memory for the landing buffer
      receiver_failed = true;
    }
    if (receiver_failed) ::shutdown(sfd, SHUT_RDWR);  // the sender's blocking calls return
  });
  auto finish = [&] {
    const uint64_t zero = 0;
    if (!send_all(cfd, &zero, sizeof zero)) ::shutdown(sfd, SHUT_RDWR);
    receiver.join();
  };
  try {
    const double t_start = now_s();
    for (size_t i = 0; i < cfg.sizes.size(); ++i) {
      if (sweep_over_time_limit(cfg, t_start, i, predict_next_point_s(cfg, i, r), r, progress)) break;
      const uint64_t n = cfg.sizes[i];
      const Stats s = measure_repeated(warmups_for_size(n, cfg.warmups), reps_for_size(n, cfg.reps_max, cfg.reps_min), [&] {
        char ack = 0;
        const char* payload = source.acquire(n);
        const double t0 = now_s();
        if (!send_all(cfd, &n, sizeof n) || !send_all(cfd, payload, n) || !recv_all(cfd, &ack, 1) ||
            receiver_failed)
          throw std::runtime_error(r.name + ": loopback TCP transfer failed");
        const double seconds = now_s() - t0;
        source.release();
        return seconds;
      });
      add_point(r, n, s, progress);
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  r.notes.push_back("loopback measures the kernel's TCP stack and memory copies, not a NIC");
  fit_medians(r);
}

}  // namespace

BenchmarkResult bench_tcp_loopback(const SweepConfig& cfg, Progress& progress) {
  BenchmarkResult r;
  r.name = "tcp-loopback";
  r.description = "one-way TCP transfer over 127.0.0.1 between two threads: send an 8-byte "
                  "header and the payload, wait for a 1-byte acknowledgement";
  auto sendbuf = detail::make_prefaulted(cfg.sizes.back(), 5), recvbuf = detail::make_prefaulted(cfg.sizes.back(), 6);
  sweep_loopback(cfg, {[&](uint64_t) { return sendbuf.get(); }}, {[&](uint64_t) { return recvbuf.get(); }}, r,
                 progress);
  return r;
}

BenchmarkResult bench_tcp_loopback_fresh(const SweepConfig& cfg, Progress& progress) {
  BenchmarkResult r;
  r.name = "tcp-loopback-fresh";
  r.description = "tcp-loopback as a peer fetch after a restart: sent from a /dev/shm file through a "
                  "mapping made afresh per transfer (a restarted holder's replica segment), received into " +
                  detail::landing_phrase(cfg.landing_resident) + ", laid out like real/'s HostBuffer";
  r.extra["landing"] = detail::landing_name(cfg.landing_resident);
  const uint64_t max = cfg.sizes.back();
  detail::ShmFile replica(max, "-fetch");
  replica.fill(7);  // the replica's pages exist in the page cache, as real/'s do
  char* mapped = nullptr;
  detail::LandingSlot landing(max, cfg.landing_resident);
  sweep_loopback(cfg, {[&](uint64_t) { return mapped = replica.map(); }, [&] { replica.unmap(mapped); }},
                 {[&](uint64_t n) { return landing.acquire(n); }, [&] { landing.release(); }}, r, progress);
  return r;
}

}  // namespace gemini::calibrate
