// Probe for docs/VALIDATION.md "Disk saves": does copying an image into a /dev/shm file right
// before writing it to disk (what real/'s memory strategy does at a persistent checkpoint) slow
// the write()? N processes at once, each: a pre-faulted source buffer, then (mode 1, 2) memcpy
// into a fresh MAP_SHARED mapping of its own posix_fallocate'd /dev/shm file (mode 1 unmaps it,
// mode 2 keeps it mapped, as real/'s MemoryStore does), then open(O_TRUNC) + write() of the
// image to <dir>/probe-<i>.tmp (timed), fsync, rename over the previous file.
//   shm_then_write MODE [DIR] [REPS]   (MODE 0: write only)
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
constexpr int kProcesses = 4;
constexpr size_t kBytes = 50907456;  // one small-preset image
}  // namespace

int main(int argc, char** argv) {
  const int mode = argc > 1 ? std::atoi(argv[1]) : 0;
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  const int reps = argc > 3 ? std::atoi(argv[3]) : 8;
  auto* shared = static_cast<double*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  auto* ready = reinterpret_cast<std::atomic<int>*>(shared + 64);
  std::vector<int> shm_fds;
  for (int i = 0; i < kProcesses; ++i) {
    const std::string name = "/dev/shm/gemini-probe-" + std::to_string(getpid()) + "-" + std::to_string(i);
    const int fd = open(name.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || posix_fallocate(fd, 0, kBytes) != 0) return 1;
    unlink(name.c_str());  // the open descriptor keeps it
    shm_fds.push_back(fd);
  }
  std::vector<double> samples;
  for (int r = 0; r < reps; ++r) {
    ready->store(0);
    std::vector<pid_t> children;
    for (int i = 0; i < kProcesses; ++i) {
      const pid_t pid = fork();
      if (pid == 0) {
        char* src = static_cast<char*>(malloc(kBytes));
        memset(src, i + r, kBytes);
        ready->fetch_add(1);
        while (ready->load() < kProcesses) sched_yield();
        if (mode != 0) {
          char* dst = static_cast<char*>(mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, shm_fds[i], 0));
          memcpy(dst, src, kBytes);
          if (mode == 1) munmap(dst, kBytes);
        }
        const std::string file = dir + "/probe-" + std::to_string(i);
        const int fd = open((file + ".tmp").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const double t0 = now_s();
        for (size_t off = 0; off < kBytes;) {
          const ssize_t w = write(fd, src + off, kBytes - off);
          if (w <= 0) _exit(1);
          off += static_cast<size_t>(w);
        }
        shared[i] = now_s() - t0;
        fsync(fd);
        close(fd);
        rename((file + ".tmp").c_str(), file.c_str());
        _exit(0);
      }
      children.push_back(pid);
    }
    for (pid_t pid : children) waitpid(pid, nullptr, 0);
    samples.insert(samples.end(), shared, shared + kProcesses);
    usleep(1000000);  // about a checkpoint interval apart
  }
  for (int i = 0; i < kProcesses; ++i) unlink((dir + "/probe-" + std::to_string(i)).c_str());
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  std::printf("mode %d (%s): write() of %zu B by %d processes: median %.4f s, p10 %.4f, p90 %.4f (n=%zu)\n", mode,
              mode == 0 ? "write only" : mode == 1 ? "shm copy, unmapped, then write" : "shm copy, kept mapped, then write",
              kBytes, kProcesses, samples[n / 2], samples[n / 10], samples[n * 9 / 10], n);
}
