// Probe for docs/VALIDATION.md "Disk saves": is memory that stayed free for a while slower to
// fill again (a VM handing free pages back to its host)? Maps and first-touches (memset)
// MIB MiB of anonymous memory six times, after REST_MS of sleep each time, and prints the rate.
//   first_touch MIB REST_MS
#include <sys/mman.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

int main(int argc, char** argv) {
  const size_t bytes = static_cast<size_t>(argc > 1 ? std::atoi(argv[1]) : 400) << 20;
  const int rest_ms = argc > 2 ? std::atoi(argv[2]) : 0;
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(rest_ms));
    char* p = static_cast<char*>(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    const auto t0 = std::chrono::steady_clock::now();
    std::memset(p, 1, bytes);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("rest %d ms: first touch of %zu MiB: %.4f s (%.2f GB/s)\n", rest_ms, bytes >> 20, s, bytes / s / 1e9);
    munmap(p, bytes);
  }
}
