// A rank's event log (<run_dir>/rank<R>.events.jsonl): JSON lines, appended with one write()
// each so that everything written before a SIGKILL survives. A kill can still cut the line being
// written (seen on ext4), so opening a log that does not end in a newline ends it first: the
// cut line stays unreadable alone instead of swallowing the next process's first event.
// Safe to call from several threads.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <mutex>
#include <stdexcept>
#include <string>

#include "monotonic_clock.hpp"

namespace gemini::real {

class EventLog {
 public:
  // An empty path logs nothing.
  explicit EventLog(const std::string& path) {
    if (path.empty()) return;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open event log " + path);
    char last = '\n';
    const off_t size = ::lseek(fd_, 0, SEEK_END);
    if (size > 0 && ::pread(fd_, &last, 1, size - 1) == 1 && last != '\n') {
      if (::write(fd_, "\n", 1) < 0) { /* measurements only */ }
    }
  }
  ~EventLog() {
    if (fd_ >= 0) ::close(fd_);
  }
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;
  // Adds "t" (monotonic seconds) and appends the event.
  void write(nlohmann::json j) {
    if (fd_ < 0) return;
    j["t"] = monotonic_s();
    const std::string line = j.dump() + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    if (::write(fd_, line.data(), line.size()) < 0) { /* measurements only; keep training */ }
  }

 private:
  int fd_ = -1;
  std::mutex mu_;
};

}  // namespace gemini::real
