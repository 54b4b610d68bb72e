// 4 processes released together each write N MiB with O_DIRECT + fsync into DIR, from a buffer that is
// "shared" (MAP_SHARED, filled by the parent, as gemini-calibrate's disk-write-concurrent does) or
// "private" (allocated and filled by each child, as a rank's buffer is). Prints per-writer median, max
// and the rate of all four together. Built and run by run.sh.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <algorithm>
static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
int main(int argc, char** argv) {
  const size_t n = std::stoull(argv[1]) << 20; const bool shared = std::string(argv[2]) == "shared"; const int P = 4;
  const char* dir = argv[3];
  auto* res = static_cast<double*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  auto* go = reinterpret_cast<volatile int*>(res + 100); *go = 0;
  auto* ready = reinterpret_cast<volatile int*>(res + 101); 
  std::vector<char*> bufs;
  if (shared) for (int i = 0; i < P; ++i) { char* b = static_cast<char*>(mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)); memset(b, i + 1, n); bufs.push_back(b); }
  std::vector<pid_t> pids;
  for (int i = 0; i < P; ++i) {
    pid_t p = fork();
    if (p == 0) {
      char* b;
      if (shared) b = bufs[i]; else { b = static_cast<char*>(aligned_alloc(4096, n)); memset(b, i + 1, n); }
      std::string path = std::string(dir) + "/f" + std::to_string(i);
      __sync_fetch_and_add(ready, 1);
      while (!*go) {}
      double t0 = now();
      int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0600);
      size_t off = 0; while (off < n) { ssize_t w = write(fd, b + off, n - off); if (w <= 0) { perror("write"); _exit(1); } off += w; }
      fsync(fd); close(fd);
      res[i] = now() - t0; _exit(0);
    }
    pids.push_back(p);
  }
  while (*ready < P) usleep(100);
  usleep(2000); *go = 1;
  for (auto p : pids) waitpid(p, nullptr, 0);
  std::vector<double> v(res, res + P); std::sort(v.begin(), v.end());
  printf("%s %zu MiB: median %.4f max %.4f  aggregate %.2f GB/s\n", argv[2], n >> 20, (v[1] + v[2]) / 2, v[3], P * n / v[3] / 1e9);
}
