// Ring all-reduce over TCP (see tcp_allreduce.hpp for the protocol and the failure model).
#include "tcp_allreduce.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "dist.hpp"
#include "socket_io.hpp"

namespace gemini::real {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char kMagic[8] = {'G', 'E', 'M', 'R', 'I', 'N', 'G', '1'};
constexpr uint32_t kMaxField = 1024;        // token and prefix lengths in a hello
constexpr size_t kIoChunk = size_t{4} << 20;  // bytes per send()/recv() call
constexpr uint8_t kAck = 0x5a;

std::string errno_text(int e) { return std::strerror(e); }

int64_t ms_left(Clock::time_point deadline) {
  return std::max<int64_t>(0, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
}

void set_io_timeout(int fd, int64_t ms) {
  ms = std::max<int64_t>(ms, 1);
  timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

template <typename T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::pair<std::string, std::string> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
    throw dist::PeerFailure("ring: bad peer address '" + address + "'");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host, address.substr(colon + 1)};
}

struct AddrInfo {
  addrinfo* list = nullptr;
  ~AddrInfo() {
    if (list) ::freeaddrinfo(list);
  }
};

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

}  // namespace

TcpRing::TcpRing(const TcpRingConfig& config, const RingRendezvous& rendezvous) : config_(config) {
  const int n = config_.world;
  const int r = config_.rank;
  if (n < 1 || r < 0 || r >= n) throw std::invalid_argument("ring: rank must be in [0, world)");
  if (config_.token.size() > kMaxField || config_.prefix.size() > kMaxField) {
    throw std::invalid_argument("ring: token or prefix too long");
  }
  if (config_.timeout.count() <= 0) throw std::invalid_argument("ring: timeout must be positive");
  if (n == 1) return;
  const auto deadline = Clock::now() + config_.timeout;
  const int next = (r + 1) % n;
  const int prev = (r + n - 1) % n;
  const auto key = [&](int rank) { return config_.prefix + "/ring/" + std::to_string(rank); };

  // Listen.
  AddrInfo bind_info;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  if (::getaddrinfo(config_.bind.c_str(), "0", &hints, &bind_info.list) != 0 || !bind_info.list) {
    throw std::invalid_argument("ring: --bind must be a numeric address, got '" + config_.bind + "'");
  }
  int listen_fd = ::socket(bind_info.list->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) throw std::runtime_error("ring: socket: " + errno_text(errno));
  struct Closer {
    int& fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } close_listener{listen_fd};
  int one = 1;
  ::setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd, bind_info.list->ai_addr, bind_info.list->ai_addrlen) != 0 || ::listen(listen_fd, 64) != 0) {
    throw std::runtime_error("ring: cannot listen on " + config_.bind + ": " + errno_text(errno));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof bound;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  const uint16_t port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                          : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  const bool v6 = config_.bind.find(':') != std::string::npos;
  rendezvous.set(key(r), (v6 ? "[" + config_.bind + "]" : config_.bind) + ":" + std::to_string(port));

  // Connect to the next rank and say hello (completes in the listener's backlog, so every rank
  // can connect before anyone accepts).
  std::string next_address;
  try {
    next_address = rendezvous.wait_get(key(next), milliseconds(ms_left(deadline)));
  } catch (const std::exception& e) {
    throw dist::PeerFailure("ring " + config_.prefix + ": rank " + std::to_string(next) +
                            " never published its address: " + e.what());
  }
  const auto [host, service] = split_address(next_address);
  for (;;) {
    AddrInfo peer;
    addrinfo h{};
    h.ai_family = AF_UNSPEC;
    h.ai_socktype = SOCK_STREAM;
    if (::getaddrinfo(host.c_str(), service.c_str(), &h, &peer.list) != 0 || !peer.list) {
      throw dist::PeerFailure("ring: cannot resolve " + next_address);
    }
    const int fd = ::socket(peer.list->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("ring: socket: " + errno_text(errno));
    set_io_timeout(fd, ms_left(deadline));
    if (::connect(fd, peer.list->ai_addr, peer.list->ai_addrlen) == 0) {
      next_fd_ = fd;
      break;
    }
    const int e = errno;
    ::close(fd);
    if (ms_left(deadline) == 0) {
      throw dist::PeerFailure("ring: cannot connect to rank " + std::to_string(next) + " at " + next_address +
                              ": " + errno_text(e));
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  std::string hello(kMagic, sizeof kMagic);
  put(hello, static_cast<uint32_t>(config_.token.size()));
  hello += config_.token;
  put(hello, static_cast<uint32_t>(config_.prefix.size()));
  hello += config_.prefix;
  put(hello, static_cast<uint32_t>(r));
  put(hello, static_cast<uint32_t>(n));
  if (!send_all(next_fd_, hello.data(), hello.size())) {
    fail("sending the hello to rank " + std::to_string(next) + ": " + errno_text(errno));
  }

  // Accept the previous rank; close anything that does not present the right hello.
  while (prev_fd_ < 0) {
    const int64_t left = ms_left(deadline);
    if (left == 0) {
      fail("rank " + std::to_string(prev) + " did not connect within " + std::to_string(config_.timeout.count()) +
           " ms");
    }
    pollfd p{listen_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, 1000)));
    if (ready <= 0) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    set_io_timeout(fd, std::min<int64_t>(ms_left(deadline), 10000));
    bool ok = false;
    char magic[sizeof kMagic];
    uint32_t len = 0;
    if (recv_all(fd, magic, sizeof magic) && std::memcmp(magic, kMagic, sizeof kMagic) == 0 &&
        recv_all(fd, &len, sizeof len) && len <= kMaxField) {
      std::string token(len, '\0');
      uint32_t prefix_len = 0;
      if (recv_all(fd, token.data(), len) && recv_all(fd, &prefix_len, sizeof prefix_len) && prefix_len <= kMaxField) {
        std::string prefix(prefix_len, '\0');
        uint32_t from = 0, world = 0;
        if (recv_all(fd, prefix.data(), prefix_len) && recv_all(fd, &from, sizeof from) &&
            recv_all(fd, &world, sizeof world)) {
          ok = equal_constant_time(token, config_.token) && prefix == config_.prefix &&
               from == static_cast<uint32_t>(prev) && world == static_cast<uint32_t>(n);
        }
      }
    }
    if (ok && send_all(fd, &kAck, 1)) {
      prev_fd_ = fd;
    } else {
      ::close(fd);
      ++stats_.rejected;
    }
  }

  // The next rank accepted us.
  set_io_timeout(next_fd_, ms_left(deadline));
  uint8_t ack = 0;
  if (!recv_all(next_fd_, &ack, 1) || ack != kAck) {
    fail("rank " + std::to_string(next) + " did not accept the connection (wrong token or generation?)");
  }
  for (int fd : {next_fd_, prev_fd_}) {
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
  }
}

TcpRing::~TcpRing() {
  if (next_fd_ >= 0) ::close(next_fd_);
  if (prev_fd_ >= 0) ::close(prev_fd_);
}

void TcpRing::fail(const std::string& what) {
  broken_ = true;
  broken_reason_ = what;
  throw dist::PeerFailure("ring " + config_.prefix + " rank " + std::to_string(config_.rank) + ": " + what);
}

void TcpRing::exchange(const void* send_buf, size_t send_n, void* recv_buf, size_t recv_n,
                       const std::function<void(size_t)>& on_received) {
  const auto* out = static_cast<const uint8_t*>(send_buf);
  auto* in = static_cast<uint8_t*>(recv_buf);
  size_t sent = 0, received = 0;
  auto last_progress = Clock::now();
  const int next = (config_.rank + 1) % config_.world;
  const int prev = (config_.rank + config_.world - 1) % config_.world;
  while (sent < send_n || received < recv_n) {
    pollfd fds[2];
    int count = 0, send_i = -1, recv_i = -1;
    if (sent < send_n) send_i = count, fds[count++] = {next_fd_, POLLOUT, 0};
    if (received < recv_n) recv_i = count, fds[count++] = {prev_fd_, POLLIN, 0};
    const int64_t idle = std::chrono::duration_cast<milliseconds>(Clock::now() - last_progress).count();
    const int64_t left = config_.timeout.count() - idle;
    if (left <= 0) {
      fail("no progress for " + std::to_string(idle) + " ms (" + std::to_string(sent) + "/" + std::to_string(send_n) +
           " bytes to rank " + std::to_string(next) + ", " + std::to_string(received) + "/" +
           std::to_string(recv_n) + " from rank " + std::to_string(prev) + ")");
    }
    const int ready = ::poll(fds, static_cast<nfds_t>(count), static_cast<int>(std::min<int64_t>(left, 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("poll: " + errno_text(errno));
    }
    if (ready == 0) continue;
    bool progress = false;
    if (send_i >= 0 && fds[send_i].revents != 0) {
      const ssize_t w = ::send(next_fd_, out + sent, std::min(send_n - sent, kIoChunk), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        sent += static_cast<size_t>(w);
        stats_.bytes_sent += static_cast<uint64_t>(w);
        progress = true;
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        fail("send to rank " + std::to_string(next) + ": " + errno_text(errno));
      } else if (fds[send_i].revents & (POLLERR | POLLHUP)) {
        fail("rank " + std::to_string(next) + " closed the connection");
      }
    }
    if (recv_i >= 0 && fds[recv_i].revents != 0) {
      const ssize_t got = ::recv(prev_fd_, in + received, std::min(recv_n - received, kIoChunk), MSG_DONTWAIT);
      if (got > 0) {
        received += static_cast<size_t>(got);
        stats_.bytes_received += static_cast<uint64_t>(got);
        progress = true;
        if (on_received) on_received(received);
      } else if (got == 0) {
        fail("rank " + std::to_string(prev) + " closed the connection");
      } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        fail("receive from rank " + std::to_string(prev) + ": " + errno_text(errno));
      }
    }
    if (progress) last_progress = Clock::now();
  }
}

void TcpRing::allreduce_sum(float* data, size_t count) {
  const auto t0 = Clock::now();
  ++stats_.calls;
  const int n = config_.world;
  if (n == 1) return;
  if (broken_) throw dist::PeerFailure("ring " + config_.prefix + " is broken: " + broken_reason_);
  const int r = config_.rank;
  const auto mod = [n](int64_t x) { return static_cast<int>(((x % n) + n) % n); };

  // Both neighbours agree on which call this is and how many floats it moves.
  const uint64_t mine[2] = {sequence_++, static_cast<uint64_t>(count)};
  uint64_t theirs[2] = {0, 0};
  exchange(mine, sizeof mine, theirs, sizeof theirs, {});
  if (theirs[0] != mine[0] || theirs[1] != mine[1]) {
    fail("out of step with rank " + std::to_string(mod(r - 1)) + ": call " + std::to_string(theirs[0]) + " of " +
         std::to_string(theirs[1]) + " floats vs our call " + std::to_string(mine[0]) + " of " +
         std::to_string(mine[1]));
  }

  const auto lo = [&](int c) { return static_cast<size_t>(static_cast<uint64_t>(count) * static_cast<uint64_t>(c) / n); };
  const auto len = [&](int c) { return lo(c + 1) - lo(c); };
  size_t widest = 0;
  for (int c = 0; c < n; ++c) widest = std::max(widest, len(c));
  if (scratch_.size() < widest) scratch_.resize(widest);

  // Reduce-scatter: after step s, chunk (r - s - 1) holds the sum of s + 2 ranks' values.
  for (int s = 0; s + 1 < n; ++s) {
    const int send_c = mod(r - s), recv_c = mod(r - s - 1);
    float* dst = data + lo(recv_c);
    const float* src = scratch_.data();
    size_t added = 0;
    exchange(data + lo(send_c), len(send_c) * sizeof(float), scratch_.data(), len(recv_c) * sizeof(float),
             [&](size_t bytes) {
               const size_t complete = bytes / sizeof(float);
               for (size_t i = added; i < complete; ++i) dst[i] += src[i];
               added = complete;
             });
  }
  // All-gather: rank r owns the reduced chunk r + 1 and passes reduced chunks round.
  for (int s = 0; s + 1 < n; ++s) {
    const int send_c = mod(r + 1 - s), recv_c = mod(r - s);
    exchange(data + lo(send_c), len(send_c) * sizeof(float), data + lo(recv_c), len(recv_c) * sizeof(float), {});
  }
  stats_.seconds += std::chrono::duration<double>(Clock::now() - t0).count();
}

void TcpRing::barrier() {
  float one = 1.0f;
  allreduce_sum(&one, 1);
}

}  // namespace gemini::real
