// The rendezvous key-value store (see kv_store.hpp). Wire format, little-endian:
//   request: op u8, key length u32, key, a length u64, a, b length u64, b, number i64
//   answer:  found u8, number i64, value length u64, value
#include "kv_store.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "socket_io.hpp"

namespace gemini::real {
namespace {

enum Op : uint8_t { kSet = 1, kGet, kAdd, kCheck, kErase, kSize, kCompareSet };
constexpr uint64_t kMaxKeyBytes = 1 << 16;
constexpr uint64_t kMaxValueBytes = 64ull << 20;  // rendezvous values are small; refuse floods

template <typename T>
void put(Bytes& out, T v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

void put_blob(Bytes& out, const void* p, uint64_t n) {
  put<uint64_t>(out, n);
  const auto* c = static_cast<const uint8_t*>(p);
  out.insert(out.end(), c, c + n);
}

bool read_blob(int fd, Bytes* out, uint64_t limit) {
  uint64_t n = 0;
  if (!recv_all(fd, &n, sizeof n) || n > limit) return false;
  out->resize(n);
  return n == 0 || recv_all(fd, out->data(), n);
}

int64_t as_number(const Bytes& v) {
  return v.empty() ? 0 : std::stoll(std::string(v.begin(), v.end()));
}

Bytes from_number(int64_t x) {
  const std::string s = std::to_string(x);
  return Bytes(s.begin(), s.end());
}

// Keys of a check request travel as one blob: u32 count, then (u32 length, bytes) each.
std::vector<std::string> unpack_keys(const Bytes& b) {
  std::vector<std::string> keys;
  size_t at = 0;
  auto take = [&](void* p, size_t n) {
    if (at + n > b.size()) throw std::runtime_error("malformed key list");
    std::memcpy(p, b.data() + at, n);
    at += n;
  };
  uint32_t count = 0;
  take(&count, sizeof count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t len = 0;
    take(&len, sizeof len);
    std::string k(len, '\0');
    take(k.data(), len);
    keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace

KvServer::KvServer(const std::string& bind, uint16_t port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("store socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, bind.c_str(), &addr.sin_addr) != 1) {
    ::close(listen_fd_);
    throw std::invalid_argument("store address '" + bind + "' is not a numeric IPv4 address");
  }
  socklen_t len = sizeof addr;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("store cannot listen on " + bind + ":" + std::to_string(port) + ": " + why);
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

KvServer::~KvServer() {
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : clients_) ::shutdown(fd, SHUT_RDWR);  // wakes each connection's recv()
  }
  for (auto& t : threads_) t.join();
  ::close(listen_fd_);
}

void KvServer::accept_loop() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    clients_.push_back(fd);
    threads_.emplace_back([this, fd] { serve(fd); });
  }
}

void KvServer::serve(int fd) {
  for (;;) {
    uint8_t op = 0;
    uint32_t key_len = 0;
    if (!recv_all(fd, &op, 1) || !recv_all(fd, &key_len, sizeof key_len) || key_len > kMaxKeyBytes) break;
    std::string key(key_len, '\0');
    Bytes a, b;
    int64_t number = 0;
    if ((key_len > 0 && !recv_all(fd, key.data(), key_len)) || !read_blob(fd, &a, kMaxValueBytes) ||
        !read_blob(fd, &b, kMaxValueBytes) || !recv_all(fd, &number, sizeof number)) {
      break;
    }
    bool found = true;
    int64_t out_number = 0;
    Bytes out_value;
    try {
      std::lock_guard<std::mutex> lock(mu_);
      switch (op) {
        case kSet: data_[key] = std::move(a); break;
        case kGet: {
          const auto it = data_.find(key);
          found = it != data_.end();
          if (found) out_value = it->second;
          break;
        }
        case kAdd: {
          Bytes& v = data_[key];
          out_number = as_number(v) + number;
          v = from_number(out_number);
          break;
        }
        case kCheck:
          for (const auto& k : unpack_keys(a)) found = found && data_.count(k) > 0;
          break;
        case kErase: found = data_.erase(key) > 0; break;
        case kSize: out_number = static_cast<int64_t>(data_.size()); break;
        case kCompareSet: {
          const auto it = data_.find(key);
          if ((it == data_.end() && a.empty()) || (it != data_.end() && it->second == a)) data_[key] = b;
          const auto now = data_.find(key);
          found = now != data_.end();
          if (found) out_value = now->second;
          break;
        }
        default: found = false; op = 0; break;
      }
    } catch (const std::exception&) {
      break;  // a malformed request (bad number, bad key list): drop the connection
    }
    if (op == 0) break;  // unknown operation
    Bytes answer;
    put<uint8_t>(answer, found ? 1 : 0);
    put<int64_t>(answer, out_number);
    put_blob(answer, out_value.data(), out_value.size());
    if (!send_all(fd, answer.data(), answer.size())) break;
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& c : clients_) {
    if (c == fd) c = -1;
  }
  ::close(fd);
}

KvClient::KvClient(const std::string& host, uint16_t port, int64_t connect_timeout_ms) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    throw std::invalid_argument("store address '" + host + "' is not a numeric IPv4 address");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(connect_timeout_ms);
  for (;;) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("store socket: ") + std::strerror(errno));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) break;
    const std::string why = std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("cannot reach the store at " + host + ":" + std::to_string(port) + ": " + why);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

KvClient::~KvClient() {
  if (fd_ >= 0) ::close(fd_);
}

KvClient::Answer KvClient::call(uint8_t op, const std::string& key, const Bytes& a, const Bytes& b, int64_t number) {
  Bytes req;
  put<uint8_t>(req, op);
  put<uint32_t>(req, static_cast<uint32_t>(key.size()));
  req.insert(req.end(), key.begin(), key.end());
  put_blob(req, a.data(), a.size());
  put_blob(req, b.data(), b.size());
  put<int64_t>(req, number);
  std::lock_guard<std::mutex> lock(mu_);
  Answer ans;
  uint8_t found = 0;
  if (!send_all(fd_, req.data(), req.size()) || !recv_all(fd_, &found, 1) ||
      !recv_all(fd_, &ans.number, sizeof ans.number) || !read_blob(fd_, &ans.value, kMaxValueBytes)) {
    throw std::runtime_error("lost the connection to the store");
  }
  ans.found = found != 0;
  return ans;
}

void KvClient::set(const std::string& key, const Bytes& value) { call(kSet, key, value); }

std::optional<Bytes> KvClient::get(const std::string& key) {
  Answer a = call(kGet, key);
  if (!a.found) return std::nullopt;
  return std::move(a.value);
}

int64_t KvClient::add(const std::string& key, int64_t delta) { return call(kAdd, key, {}, {}, delta).number; }

bool KvClient::check(const std::vector<std::string>& keys) {
  Bytes packed;
  put<uint32_t>(packed, static_cast<uint32_t>(keys.size()));
  for (const auto& k : keys) {
    put<uint32_t>(packed, static_cast<uint32_t>(k.size()));
    packed.insert(packed.end(), k.begin(), k.end());
  }
  return call(kCheck, "", packed).found;
}

bool KvClient::erase(const std::string& key) { return call(kErase, key).found; }

int64_t KvClient::size() { return call(kSize, "").number; }

Bytes KvClient::compare_set(const std::string& key, const Bytes& expected, const Bytes& desired) {
  return call(kCompareSet, key, expected, desired).value;
}

}  // namespace gemini::real
