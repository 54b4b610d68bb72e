// Connected TCP pairs over 127.0.0.1 for the loopback benchmarks (internal): the path real/'s
// replication takes between two "machines" of one host.
#pragma once
#include <cstddef>
#include <vector>

namespace gemini::calibrate::detail {

struct LoopbackConnection {
  int client = -1, server = -1;  // both ends TCP_NODELAY, blocking
};

class LoopbackConnections {
 public:
  explicit LoopbackConnections(int n);  // n connected pairs; throws std::system_error
  ~LoopbackConnections();               // closes every socket
  LoopbackConnections(const LoopbackConnections&) = delete;
  LoopbackConnections& operator=(const LoopbackConnections&) = delete;
  const LoopbackConnection& operator[](int i) const { return pairs_[static_cast<size_t>(i)]; }

 private:
  void close_all();
  std::vector<LoopbackConnection> pairs_;
};

}  // namespace gemini::calibrate::detail
