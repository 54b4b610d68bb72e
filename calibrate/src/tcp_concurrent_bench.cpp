// Several loopback TCP transfers at once, each between its own sender and receiver thread on
// its own connection: real/'s gemini replication, where every rank sends its checkpoint to a
// peer machine at the same iteration. How N transfers share C CPUs depends on how much of a
// lone transfer's time its two threads run at once, which the lone benchmark cannot tell.
#include <sys/socket.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "../../real/src/socket_io.hpp"  // torch-free: the same loops real/ uses
#include "buffer.hpp"
#include "concurrent.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "loopback.hpp"

namespace gemini::calibrate {

using gemini::real::recv_all;
using gemini::real::send_all;

BenchmarkResult bench_tcp_loopback_concurrent(const SweepConfig& cfg, int pairs, Progress& progress) {
  if (pairs < 2) throw std::invalid_argument("tcp-loopback-concurrent needs at least 2 pairs");
  BenchmarkResult r;
  r.name = "tcp-loopback-concurrent";
  r.description = std::to_string(pairs) + " one-way TCP transfers over 127.0.0.1 at once, each between its own "
                  "sender and receiver thread on its own connection (8-byte header, payload, 1-byte "
                  "acknowledgement); bytes and seconds are per transfer, timed by its sender";
  const SweepConfig sweep = detail::concurrent_sweep(cfg, pairs, r);
  const uint64_t max = sweep.sizes.back();
  std::vector<detail::HostBuffer> send_bufs, recv_bufs;
  for (int j = 0; j < pairs; ++j) {
    send_bufs.push_back(detail::make_prefaulted(max, 60 + static_cast<uint64_t>(j)));
    recv_bufs.push_back(detail::make_prefaulted(max, 90 + static_cast<uint64_t>(j)));
  }
  const detail::LoopbackConnections conns(pairs);
  // Thread j < pairs sends on connection j and returns its time; thread pairs + j receives it.
  // A side that fails shuts its end down, so that its partner's blocking call returns too.
  auto fail = [](int fd, int j, const char* side) {
    ::shutdown(fd, SHUT_RDWR);
    throw std::runtime_error("loopback TCP transfer " + std::to_string(j) + " failed (" + side + ")");
  };
  auto transfer = [&](int i, uint64_t n) -> double {
    const bool sender = i < pairs;
    const int j = sender ? i : i - pairs;
    if (sender) {
      const int fd = conns[j].client;
      char ack = 0;
      const double t0 = now_s();
      if (!send_all(fd, &n, sizeof n) || !send_all(fd, send_bufs[static_cast<size_t>(j)].get(), n) ||
          !recv_all(fd, &ack, 1))
        fail(fd, j, "sender");
      return now_s() - t0;
    }
    const int fd = conns[j].server;
    uint64_t header = 0;
    if (!recv_all(fd, &header, sizeof header) || header != n ||
        !recv_all(fd, recv_bufs[static_cast<size_t>(j)].get(), n) || !send_all(fd, "k", 1))
      fail(fd, j, "receiver");
    return 0;
  };
  // Each transfer's sample is its sender's time; the receivers' zeros are dropped.
  detail::sweep_concurrent(sweep, pairs, r, progress, [] {}, [&](uint64_t n) {
    std::vector<double> t = detail::run_together(2 * pairs, [&](int thread) { return transfer(thread, n); });
    t.resize(static_cast<size_t>(pairs));
    return t;
  });
  r.notes.push_back("loopback measures the kernel's TCP stack and memory copies, not a NIC");
  detail::fit_concurrent_medians(r);
  return r;
}

}  // namespace gemini::calibrate
