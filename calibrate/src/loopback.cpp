// Connected loopback TCP pairs: one listener, n connects (they complete in its backlog), n accepts.
#include "loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "disk_io.hpp"  // throw_errno

namespace gemini::calibrate::detail {
namespace {

void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Closes fd on scope exit unless released.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

LoopbackConnections::LoopbackConnections(int n) {
  FdGuard listener{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (listener.fd < 0) throw_errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener.fd, n) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw_errno("listen on 127.0.0.1");
  }
  try {
    for (int i = 0; i < n; ++i) {
      LoopbackConnection c;
      c.client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      pairs_.push_back(c);  // closed by the destructor from here on
      if (c.client < 0) throw_errno("socket");
      if (::connect(c.client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw_errno("connect 127.0.0.1");
      pairs_.back().server = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (pairs_.back().server < 0) throw_errno("accept on 127.0.0.1");
      set_nodelay(c.client);
      set_nodelay(pairs_.back().server);
    }
  } catch (...) {
    close_all();  // a throwing constructor runs no destructor
    throw;
  }
}

LoopbackConnections::~LoopbackConnections() { close_all(); }

void LoopbackConnections::close_all() {
  for (auto& c : pairs_) {
    if (c.client >= 0) ::close(c.client);
    if (c.server >= 0) ::close(c.server);
    c.client = c.server = -1;
  }
}

}  // namespace gemini::calibrate::detail
