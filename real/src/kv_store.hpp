// A small key-value store over TCP for the job's rendezvous (torch-free). It replaces
// LibTorch's TCPStore because that one (1.13) listens on every interface: this server binds the
// address it is given (loopback by default), so the job's keys are not reachable from other
// hosts. Values are bytes; a missing key is a distinct answer, never a wait.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gemini::real {

using Bytes = std::vector<uint8_t>;

// Serves the store on `bind`:`port` (port 0: any free port) until destroyed.
class KvServer {
 public:
  KvServer(const std::string& bind, uint16_t port);
  ~KvServer();
  KvServer(const KvServer&) = delete;
  KvServer& operator=(const KvServer&) = delete;
  uint16_t port() const { return port_; }

 private:
  void accept_loop();
  void serve(int fd);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::mutex mu_;  // guards data_ and clients_
  std::map<std::string, Bytes> data_;
  std::vector<int> clients_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

// One connection to a KvServer; every call is one request and its answer (thread-safe).
// Throws std::runtime_error when the server cannot be reached or the connection breaks.
class KvClient {
 public:
  // Retries the connection until `connect_timeout_ms` has passed (the server may start later).
  KvClient(const std::string& host, uint16_t port, int64_t connect_timeout_ms);
  ~KvClient();
  KvClient(const KvClient&) = delete;
  KvClient& operator=(const KvClient&) = delete;

  void set(const std::string& key, const Bytes& value);
  std::optional<Bytes> get(const std::string& key);
  int64_t add(const std::string& key, int64_t delta);  // a missing key counts as 0
  bool check(const std::vector<std::string>& keys);    // all of them exist
  bool erase(const std::string& key);                  // false if it did not exist
  int64_t size();                                      // number of keys
  // Sets `desired` when the value equals `expected` (or the key is missing and `expected` is
  // empty); returns the value after the call.
  Bytes compare_set(const std::string& key, const Bytes& expected, const Bytes& desired);

 private:
  struct Answer {
    bool found = false;
    int64_t number = 0;
    Bytes value;
  };
  Answer call(uint8_t op, const std::string& key, const Bytes& a = {}, const Bytes& b = {}, int64_t number = 0);

  int fd_ = -1;
  std::mutex mu_;
};

}  // namespace gemini::real
