// TCP replication of checkpoint images between ranks (see replica.hpp for the protocol).
#include "replica.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "socket_io.hpp"
#include "state_image.hpp"

namespace gemini::real {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

constexpr char kMagic[8] = {'G', 'E', 'M', 'R', 'E', 'P', 'L', '1'};
constexpr uint8_t kPut = 1, kGet = 2;
constexpr uint32_t kMaxToken = 1024;
constexpr uint64_t kMinImageBytes = 48;  // an image's fixed header (state_image.hpp)

[[noreturn]] void sys_fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

struct Socket {
  int fd = -1;
  explicit Socket(int f) : fd(f) {}
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

void set_timeouts(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

template <typename T>
void send_pod(int fd, T v) { send_all_or_throw(fd, &v, sizeof v); }
template <typename T>
T recv_pod(int fd) {
  T v{};
  recv_all_or_throw(fd, &v, sizeof v);
  return v;
}

std::pair<std::string, uint16_t> split_address(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::invalid_argument("address without port: " + address);
  return {address.substr(0, colon), static_cast<uint16_t>(std::stoi(address.substr(colon + 1)))};
}

int connect_to(const std::string& address, int io_timeout_s) {
  const auto [host, port] = split_address(address);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    throw std::runtime_error("cannot resolve " + address);
  }
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) sys_fail("connect " + address);
  set_timeouts(fd, io_timeout_s);
  return fd;
}

void send_hello(int fd, const std::string& token, uint8_t op, uint32_t owner, uint64_t arg) {
  send_all_or_throw(fd, kMagic, sizeof kMagic);
  send_pod<uint32_t>(fd, static_cast<uint32_t>(token.size()));
  send_all_or_throw(fd, token.data(), token.size());
  send_pod<uint8_t>(fd, op);
  send_pod<uint32_t>(fd, owner);
  send_pod<uint64_t>(fd, arg);
}

// Constant-time comparison of the presented token.
bool same_token(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

ReplicaService::ReplicaService(ReplicaServiceConfig config) : config_(std::move(config)) {
  if (config_.token.empty()) throw std::invalid_argument("replica service needs a job token");
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
  addrinfo* res = nullptr;
  if (::getaddrinfo(config_.bind_address.c_str(), std::to_string(config_.port).c_str(), &hints,
                    &res) != 0 || !res) {
    throw std::invalid_argument("replica listener: bad bind address '" + config_.bind_address +
                                "' (numeric IPv4/IPv6 expected)");
  }
  listen_fd_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) {
    ::freeaddrinfo(res);
    sys_fail("socket");
  }
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listen_fd_, res->ai_addr, res->ai_addrlen) != 0) {
    ::freeaddrinfo(res);
    ::close(listen_fd_);
    sys_fail("bind " + config_.bind_address);
  }
  ::freeaddrinfo(res);
  if (::listen(listen_fd_, 64) != 0) sys_fail("listen");
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len);
  port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                         : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  thread_ = std::thread([this] { serve(); });
}

ReplicaService::~ReplicaService() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void ReplicaService::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Socket s(fd);
    set_timeouts(fd, config_.io_timeout_s);
    try {
      handle(fd);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(mu_);
      refused(std::string("request failed: ") + e.what());
    }
  }
}

void ReplicaService::refused(const std::string& why) {
  ++stats_.failed;
  if (config_.on_refused) config_.on_refused(why);
}

MemoryStore* ReplicaService::segment(int owner, uint64_t capacity) {
  for (auto& [o, store] : segments_) {
    if (o == owner) {
      if (capacity > 0 && store->slot_capacity_bytes() < capacity) {
        store->destroy();  // a bigger image than before (not in normal runs): start over
        store = nullptr;
        segments_.erase(std::find_if(segments_.begin(), segments_.end(),
                                     [&](const auto& e) { return e.first == owner; }));
        break;
      }
      return store.get();
    }
  }
  MemoryStoreConfig c = config_.segments;
  c.rank = owner;
  c.slot_capacity_bytes = capacity;
  try {
    segments_.emplace_back(owner, std::make_unique<MemoryStore>(c));
  } catch (const std::exception&) {
    if (capacity == 0) return nullptr;  // nothing held for this owner
    throw;
  }
  return segments_.back().second.get();
}

void ReplicaService::reserve(int owner, uint64_t capacity) {
  std::lock_guard<std::mutex> lock(mu_);
  segment(owner, capacity);
}

std::vector<uint64_t> ReplicaService::held_iterations(int owner) {
  std::lock_guard<std::mutex> lock(mu_);
  MemoryStore* s = segment(owner, 0);
  return s ? s->iterations() : std::vector<uint64_t>{};
}

ReplicaServiceStats ReplicaService::stats() {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

ReplicaService::LocalSlot ReplicaService::begin_slot(int owner, uint64_t bytes) {
  if (bytes < kMinImageBytes || bytes > MemoryStore::kMaxSlotBytes) {
    throw std::invalid_argument("for rank " + std::to_string(owner) + " of " + std::to_string(bytes) +
                                " bytes: no image has that size");
  }
  LocalSlot s;
  s.started = Clock::now();
  s.owner = owner;
  s.bytes = bytes;
  s.data = segment(owner, bytes)->begin_save(bytes, &s.slot);
  return s;
}

uint64_t ReplicaService::commit_slot(const LocalSlot& s) {
  const ImageInfo info = verify_image(s.data, s.bytes);
  segment(s.owner, 0)->commit(s.slot);
  stats_.put_receive_s.push_back(since(s.started));
  ++stats_.puts;
  return info.iteration;
}

ReplicaService::LocalSlot ReplicaService::begin_local(int owner, uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  return begin_slot(owner, bytes);
}

uint64_t ReplicaService::commit_local(const LocalSlot& slot) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return commit_slot(slot);
  } catch (const ImageError& e) {
    refused("received image of rank " + std::to_string(slot.owner) + " failed verification: " + e.what());
    throw;
  }
}

void ReplicaService::handle(int fd) {
  char magic[8];
  recv_all_or_throw(fd, magic, sizeof magic);
  if (std::memcmp(magic, kMagic, sizeof magic) != 0) throw std::runtime_error("bad magic");
  const auto token_len = recv_pod<uint32_t>(fd);
  if (token_len > kMaxToken) throw std::runtime_error("token too long");
  std::string token(token_len, '\0');
  recv_all_or_throw(fd, token.data(), token_len);
  if (!same_token(token, config_.token)) {
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.rejected_tokens;
    if (config_.on_refused) config_.on_refused("a peer without the job token");
    return;  // close without a word
  }
  const auto op = recv_pod<uint8_t>(fd);
  const auto owner = static_cast<int>(recv_pod<uint32_t>(fd));
  const auto arg = recv_pod<uint64_t>(fd);
  std::lock_guard<std::mutex> lock(mu_);
  if (op == kPut) {
    // A declared size no image can have is refused before anything is reserved or overwritten.
    LocalSlot slot;
    try {
      slot = begin_slot(owner, arg);
    } catch (const std::invalid_argument& e) {
      send_pod<uint8_t>(fd, 3);
      send_pod<uint64_t>(fd, 0);
      refused(std::string("PUT ") + e.what());
      return;
    }
    recv_all_or_throw(fd, slot.data, arg);
    uint64_t iteration = 0;
    try {
      iteration = commit_slot(slot);
    } catch (const ImageError& e) {
      send_pod<uint8_t>(fd, 1);
      send_pod<uint64_t>(fd, 0);
      refused("PUT for rank " + std::to_string(owner) + " failed verification: " + e.what());
      return;
    }
    send_pod<uint8_t>(fd, 0);
    send_pod<uint64_t>(fd, iteration);
  } else if (op == kGet) {
    MemoryStore* store = segment(owner, 0);
    std::optional<MemoryStore::View> view;
    if (store) view = store->committed(arg);
    if (!view) {
      send_pod<uint8_t>(fd, 2);
      send_pod<uint64_t>(fd, 0);
      return;
    }
    send_pod<uint8_t>(fd, 0);
    send_pod<uint64_t>(fd, view->bytes);
    send_all_or_throw(fd, view->data, view->bytes);
    ++stats_.gets;
  } else {
    throw std::runtime_error("unknown op");
  }
}

PutResult put_replica(const std::string& address, const std::string& token, int owner,
                      const uint8_t* image, uint64_t bytes, int io_timeout_s,
                      const std::function<void()>& halfway) {
  auto t0 = Clock::now();
  Socket s(connect_to(address, io_timeout_s));
  send_hello(s.fd, token, kPut, static_cast<uint32_t>(owner), bytes);
  if (halfway) {
    send_all_or_throw(s.fd, image, bytes / 2);
    halfway();
    send_all_or_throw(s.fd, image + bytes / 2, bytes - bytes / 2);
  } else {
    send_all_or_throw(s.fd, image, bytes);
  }
  const auto status = recv_pod<uint8_t>(s.fd);
  const auto iteration = recv_pod<uint64_t>(s.fd);
  if (status != 0) throw std::runtime_error("replica at " + address + " rejected the image");
  return {iteration, since(t0)};
}

FetchResult fetch_replica(const std::string& address, const std::string& token, int owner,
                          uint64_t iteration, HostBuffer& out, int io_timeout_s) {
  FetchResult r;
  auto t0 = Clock::now();
  Socket s(connect_to(address, io_timeout_s));
  send_hello(s.fd, token, kGet, static_cast<uint32_t>(owner), iteration);
  const auto status = recv_pod<uint8_t>(s.fd);
  const auto bytes = recv_pod<uint64_t>(s.fd);
  if (status != 0) {
    throw std::runtime_error("replica holder " + address + " has no iteration " +
                             std::to_string(iteration) + " of rank " + std::to_string(owner));
  }
  out.ensure(bytes);
  recv_all_or_throw(s.fd, out.data(), bytes);
  r.bytes = bytes;
  r.fetch_s = since(t0);
  auto t1 = Clock::now();
  const ImageInfo info = verify_image(out.data(), bytes);  // throws ImageError
  if (info.iteration != iteration) throw std::runtime_error("fetched replica has the wrong iteration");
  r.verify_s = since(t1);
  r.checksum = info.checksum;
  return r;
}

bool probe_with_token(const std::string& address, const std::string& token) {
  try {
    Socket s(connect_to(address, 5));
    send_hello(s.fd, token, kGet, 0, ~uint64_t{0});
    recv_pod<uint8_t>(s.fd);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace gemini::real
