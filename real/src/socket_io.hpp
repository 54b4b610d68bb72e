// Whole-buffer send/recv on a blocking socket (torch-free, internal): false when the peer
// closed the connection (errno 0), an error occurred or a socket timeout (SO_RCVTIMEO /
// SO_SNDTIMEO) hit (errno set).
#pragma once
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <system_error>

namespace gemini::real {

inline bool send_all(int fd, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

inline bool recv_all(int fd, void* data, size_t n) {
  auto* p = static_cast<uint8_t*>(data);
  while (n > 0) {
    const ssize_t r = ::recv(fd, p, n, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) errno = 0;  // the peer closed the connection: no error to report
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Throwing forms, for protocols where any short transfer fails the request: std::system_error
// for an error or a timeout, std::runtime_error when the peer closed the connection.
inline void send_all_or_throw(int fd, const void* data, size_t n) {
  if (!send_all(fd, data, n)) throw std::system_error(errno, std::generic_category(), "send");
}

inline void recv_all_or_throw(int fd, void* data, size_t n) {
  if (recv_all(fd, data, n)) return;
  if (errno == 0) throw std::runtime_error("peer closed the connection");
  throw std::system_error(errno, std::generic_category(), "recv");
}

}  // namespace gemini::real
