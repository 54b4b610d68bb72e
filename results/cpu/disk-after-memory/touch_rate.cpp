// Probe for docs/VALIDATION.md "Disk saves": does this VM hand out free memory at two speeds?
// Maps MIB MiB of anonymous memory and first-touches it (memset) 256 MiB at a time, printing
// each chunk's rate, then rewrites the whole (now mapped) region once. On a VM whose host
// reclaims free guest memory, the chunks beyond the recently freed pool fill several times
// slower: every page there costs the host a fault as well as the guest.
//   touch_rate MIB
#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
}  // namespace

int main(int argc, char** argv) {
  const size_t total = static_cast<size_t>(argc > 1 ? std::atoi(argv[1]) : 4096) << 20;
  const size_t chunk = size_t{256} << 20;
  char* p = static_cast<char*>(mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (p == MAP_FAILED) return 1;
  for (size_t off = 0; off + chunk <= total; off += chunk) {
    const auto t0 = std::chrono::steady_clock::now();
    std::memset(p + off, 1, chunk);
    std::printf("first touch at %5zu MiB: %.2f GB/s\n", off >> 20, chunk / seconds_since(t0) / 1e9);
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::memset(p, 2, total);
  std::printf("second pass over all %zu MiB (mapped): %.2f GB/s\n", total >> 20, total / seconds_since(t0) / 1e9);
  munmap(p, total);
}
