// Replicator and its two deliveries (see replicator.hpp).
#include "replicator.hpp"

#include <exception>

namespace gemini::real {

Replicator::Replicator(Delivery deliver, size_t holders, int owner, int generation, EventLog& log, bool in_line)
    : deliver_(std::move(deliver)), holders_(holders), owner_(owner), gen_(generation), log_(log) {
  if (!in_line) thread_ = std::thread([this] { run(); });
}

Replicator::~Replicator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Replicator::submit(uint64_t iteration, const uint8_t* data, uint64_t bytes) {
  const Job job{iteration, data, bytes, monotonic_s()};
  if (!thread_.joinable()) {
    deliver(job);
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  job_ = job;
  busy_ = true;
  cv_.notify_all();
}

double Replicator::wait_idle() {
  const double t0 = monotonic_s();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !busy_; });
  return monotonic_s() - t0;
}

void Replicator::deliver(const Job& job) {
  const bool ok = deliver_(job.iteration, job.data, job.bytes);
  log_.write({{"e", "replicated"}, {"gen", gen_}, {"rank", owner_}, {"iteration", job.iteration},
              {"ok", ok}, {"bytes", job.bytes * holders_}, {"seconds", monotonic_s() - job.submitted}});
}

void Replicator::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || busy_; });
      if (stop_ && !busy_) return;
      job = job_;
    }
    deliver(job);
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

Delivery tcp_delivery(std::vector<ReplicaTarget> targets, std::string token, int owner, int gen, EventLog& log,
                      std::function<void(uint64_t iteration)> halfway) {
  return [=, &log](uint64_t iteration, const uint8_t* data, uint64_t bytes) {
    bool ok = true;
    for (const auto& t : targets) {
      std::function<void()> pause;
      if (halfway && &t == &targets.front()) pause = [&] { halfway(iteration); };
      try {
        const PutResult r = put_replica(t.address, token, owner, data, bytes, 60, pause);
        log.write({{"e", "replicate"}, {"gen", gen}, {"rank", owner}, {"iteration", iteration},
                   {"holder", t.rank}, {"bytes", bytes}, {"seconds", r.seconds}});
      } catch (const std::exception& e) {
        ok = false;
        log.write({{"e", "replicate_error"}, {"gen", gen}, {"rank", owner}, {"iteration", iteration},
                   {"holder", t.rank}, {"error", e.what()}});
      }
    }
    return ok;
  };
}

Delivery nccl_delivery(NcclComm& comm, ReplicaService& service, std::vector<int> holders, std::vector<int> owners,
                       int owner, int gen, EventLog& log) {
  return [=, &comm, &service, &log](uint64_t iteration, const uint8_t* data, uint64_t bytes) {
    try {
      std::vector<NcclHostSend> sends;
      for (int h : holders) sends.push_back({h, data, bytes});
      const std::vector<uint64_t> sizes = comm.exchange_sizes(sends, owners);
      std::vector<ReplicaService::LocalSlot> slots;
      std::vector<NcclHostRecv> recvs;
      for (size_t i = 0; i < owners.size(); ++i) {
        slots.push_back(service.begin_local(owners[i], sizes[i]));
        recvs.push_back({owners[i], slots.back().data, sizes[i]});
      }
      const double seconds = comm.exchange(sends, recvs);
      for (const auto& slot : slots) service.commit_local(slot);  // ImageError: a torn or corrupt receive
      for (int h : holders) {
        log.write({{"e", "replicate"}, {"gen", gen}, {"rank", owner}, {"iteration", iteration}, {"holder", h},
                   {"bytes", bytes}, {"seconds", seconds}, {"transport", "nccl"}});
      }
      return true;
    } catch (const std::exception& e) {
      for (int h : holders) {
        log.write({{"e", "replicate_error"}, {"gen", gen}, {"rank", owner}, {"iteration", iteration},
                   {"holder", h}, {"error", e.what()}});
      }
      return false;
    }
  };
}

}  // namespace gemini::real
