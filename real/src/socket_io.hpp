// Whole-buffer send/recv on a blocking socket (torch-free, internal): false when the peer
// closed the connection, an error occurred or a socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) hit.
#pragma once
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

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
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

}  // namespace gemini::real
