// A rendezvous for ranks that are threads of one process (gemini-nccl-check, tests): the
// set / wait_get pair of RingRendezvous over a map behind a lock.
#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "tcp_allreduce.hpp"  // RingRendezvous

namespace gemini::real {

class LocalRendezvous {
 public:
  // The returned functions refer to this object: it must outlive them.
  RingRendezvous view() {
    RingRendezvous rv;
    rv.set = [this](const std::string& k, const std::string& v) {
      std::lock_guard<std::mutex> lock(mu_);
      values_[k] = v;
      cv_.notify_all();
    };
    rv.wait_get = [this](const std::string& k, std::chrono::milliseconds timeout) {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, timeout, [&] { return values_.count(k) > 0; })) {
        throw std::runtime_error("timed out waiting for " + k);
      }
      return values_[k];
    };
    return rv;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::string> values_;
};

}  // namespace gemini::real
