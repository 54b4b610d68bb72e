// A rank's event log (<run_dir>/rank<R>.events.jsonl): JSON lines, appended with one write()
// each so that a SIGKILL never leaves half an event (beyond the last line) and everything written
// before it survives. Safe to call from several threads.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <mutex>
#include <stdexcept>
#include <string>

#include "rank_worker.hpp"  // monotonic_s

namespace gemini::real {

class EventLog {
 public:
  // An empty path logs nothing.
  explicit EventLog(const std::string& path) {
    if (path.empty()) return;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0) throw std::runtime_error("cannot open event log " + path);
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
