// A data-parallel training rank: rendezvous, recovery agreement, training, checkpoints.
#include "rank_worker.hpp"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "checksum.hpp"
#include "disk_store.hpp"
#include "dist.hpp"
#include "event_log.hpp"
#include "memory_store.hpp"
#include "nccl_comm.hpp"
#include "placement.hpp"
#include "replica.hpp"
#include "replicator.hpp"
#include "state_image.hpp"
#include "thread_cpu.hpp"
#include "trainer.hpp"

namespace gemini::real {

namespace {

using json = nlohmann::json;

struct BadEnvironment : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

std::string env_str(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  if (v && *v) return v;
  if (fallback) return fallback;
  throw BadEnvironment(std::string("environment variable ") + name + " is required");
}

int env_int(const char* name, const char* fallback) {
  const std::string v = env_str(name, fallback);
  try {
    size_t used = 0;
    const long x = std::stol(v, &used);
    if (used != v.size() || x < 0 || x > (1L << 30)) throw std::out_of_range(v);
    return static_cast<int>(x);
  } catch (const std::exception&) {
    throw BadEnvironment(std::string(name) + "=" + v + " is not a non-negative integer");
  }
}

std::string join(const std::vector<uint64_t>& v) {
  std::string s;
  for (uint64_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

std::set<uint64_t> split(const std::string& s) {
  std::set<uint64_t> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.insert(std::stoull(s.substr(start, end - start)));
    start = end + 1;
  }
  return out;
}

struct Recovered {
  bool found = false;
  uint64_t iteration = 0;
  std::string tier = "none";
  int holder = -1;
  LoadResult load;
  double load_s = 0;
  std::vector<std::string> rejected;  // sources tried first that failed ("peer 1: checksum ...")
};

int train(const RankOptions& o) {
  const int world = env_int("WORLD_SIZE", nullptr);
  const int rank = env_int("RANK", nullptr);
  if (rank >= world) throw BadEnvironment("RANK must be < WORLD_SIZE");
  if (const std::string problem = o.check(world); !problem.empty()) throw BadEnvironment(problem);
  const int rpm = world / o.machines;
  const int machine = rank / rpm;
  const int local = env_int("LOCAL_RANK", std::to_string(rank % rpm).c_str());
  if (local != rank % rpm) throw BadEnvironment("LOCAL_RANK must be RANK % ranks_per_machine");
  const std::string master = env_str("MASTER_ADDR", "127.0.0.1");
  const int port = env_int("MASTER_PORT", nullptr);
  const int gen = env_int("GEMINI_GENERATION", "0");
  const auto timeout = std::chrono::milliseconds(int64_t{o.timeout_s} * 1000);
  const std::string g = "g" + std::to_string(gen);
  const double t_start = monotonic_s();

  EventLog log(o.run_dir.empty() ? "" : o.run_dir + "/rank" + std::to_string(rank) + ".events.jsonl");
  const char* nccl_hostid = std::getenv("NCCL_HOSTID");  // which "host" NCCL will see (launcher.cpp)
  log.write({{"e", "start"}, {"gen", gen}, {"rank", rank}, {"machine", machine}, {"pid", ::getpid()},
             {"nccl_hostid", nccl_hostid ? nccl_hostid : ""}});

  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  set_checksum_threads(threads);
  auto store = dist::KvStore::connect(master, static_cast<uint16_t>(port), timeout);
  // gemini-launch hands the token over in the environment (readable by this user only); ranks
  // started by another launcher may find it in the store instead (`job/token`), where anyone
  // who can reach the store's port can read it too.
  const char* env_token = std::getenv("GEMINI_JOB_TOKEN");
  const std::string token =
      env_token != nullptr && *env_token != '\0' ? std::string(env_token) : store->wait_get("job/token", timeout);

  TrainerConfig tc;
  tc.model = preset(o.preset);
  tc.device = o.device;
  // "cuda": one GPU per rank on this host where there are enough. gemini-launch runs every
  // "machine" on one host and says so (GEMINI_GPU_SLOT = RANK); other launchers: LOCAL_RANK.
  tc.device_slot = env_int("GEMINI_GPU_SLOT", std::to_string(local).c_str());
  tc.threads = threads;
  tc.seed = o.seed;
  tc.data_rank = rank;
  tc.data_world = world;
  Trainer trainer(tc);
  HostBuffer buffer = trainer.make_buffer();
  buffer.ensure(trainer.image_bytes());

  const bool use_memory = o.strategy == "memory" || o.strategy == "gemini";
  const bool gemini = o.strategy == "gemini";
  std::unique_ptr<MemoryStore> memory;
  if (use_memory) {
    MemoryStoreConfig mc;
    mc.job = o.job + "-m" + std::to_string(machine);
    mc.rank = rank;
    mc.slot_capacity_bytes = trainer.image_bytes();
    mc.dir = o.shm_dir;
    memory = std::make_unique<MemoryStore>(mc);
  }
  std::unique_ptr<DiskStore> disk;
  if (o.strategy == "disk" || o.persistent_interval > 0) {
    DiskStoreConfig dc;
    dc.dir = o.dir;
    dc.job = o.job;
    dc.rank = rank;
    dc.cold_load = true;
    dc.keep_previous = true;
    dc.direct_io = o.disk_io == "direct";
    disk = std::make_unique<DiskStore>(dc);
  }

  // Replica placement: my checkpoints go to the rank with my local index on each peer machine;
  // I hold those of my local index on each source machine.
  std::vector<int> holders, owners;
  std::unique_ptr<ReplicaService> service;
  if (gemini) {
    const auto peers = replica_peers(o.machines, o.replicas, parse_placement(o.placement));
    const auto sources = replica_sources(peers);
    for (int j : peers[static_cast<size_t>(machine)]) holders.push_back(j * rpm + local);
    for (int s : sources[static_cast<size_t>(machine)]) owners.push_back(s * rpm + local);
    ReplicaServiceConfig rc;
    rc.bind_address = o.bind;
    rc.token = token;
    rc.segments.job = o.job + "-m" + std::to_string(machine);
    rc.segments.dir = o.shm_dir;
    rc.on_refused = [&log, gen, rank](const std::string& why) {
      log.write({{"e", "replica_refused"}, {"gen", gen}, {"rank", rank}, {"why", why}});
    };
    service = std::make_unique<ReplicaService>(rc);
    for (int owner : owners) service->reserve(owner, trainer.image_bytes());
  }
  store->set(g + "/addr/" + std::to_string(rank), service ? service->address() : "");

  dist::Collective group(*store, g, rank, world, timeout, o.bind, o.collective, token, trainer.cuda_index());
  const double t_group = monotonic_s();
  std::vector<std::string> address(static_cast<size_t>(world));
  for (int r = 0; r < world; ++r) address[r] = store->wait_get(g + "/addr/" + std::to_string(r), timeout);

  // ---- Recovery: the newest iteration that every rank can load, from its fastest tier. ----
  json holds = json::object();
  for (int owner : owners) holds[std::to_string(owner)] = service->held_iterations(owner);
  store->set(g + "/holds/" + std::to_string(rank), holds.dump());
  const std::vector<uint64_t> own_memory = memory ? memory->iterations() : std::vector<uint64_t>{};
  const std::vector<uint64_t> own_disk = disk ? disk->iterations() : std::vector<uint64_t>{};
  std::vector<std::pair<int, std::set<uint64_t>>> peer_copies;
  std::set<uint64_t> loadable(own_memory.begin(), own_memory.end());
  loadable.insert(own_disk.begin(), own_disk.end());
  for (int r = 0; r < world; ++r) {
    const json h = json::parse(store->wait_get(g + "/holds/" + std::to_string(r), timeout));
    if (!h.contains(std::to_string(rank))) continue;
    std::set<uint64_t> its;
    for (const auto& it : h[std::to_string(rank)]) its.insert(it.get<uint64_t>());
    loadable.insert(its.begin(), its.end());
    peer_copies.emplace_back(r, std::move(its));
  }
  store->set(g + "/loadable/" + std::to_string(rank),
             join(std::vector<uint64_t>(loadable.begin(), loadable.end())));
  std::set<uint64_t> common = loadable;
  for (int r = 0; r < world; ++r) {
    const auto theirs = split(store->wait_get(g + "/loadable/" + std::to_string(r), timeout));
    std::set<uint64_t> both;
    std::set_intersection(common.begin(), common.end(), theirs.begin(), theirs.end(),
                          std::inserter(both, both.begin()));
    common = std::move(both);
  }
  const double t_agreed = monotonic_s();
  const ThreadCpuSample cpu_agreed = sample_thread_cpu();

  Recovered rec;
  if (!common.empty()) {
    rec.iteration = *common.rbegin();
    // The state this generation stands on, for the launcher's accounting of a failure that
    // strikes before the first iteration (during the recovery).
    store->set(g + "/resumed/" + std::to_string(rank), std::to_string(rec.iteration));
    std::vector<std::string>& errors = rec.rejected;
    auto contains = [](const auto& v, uint64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    if (memory && contains(own_memory, rec.iteration)) {
      try {
        if (auto r = memory->load_iteration(rec.iteration, buffer)) rec.load = *r, rec.tier = "memory", rec.found = true;
      } catch (const std::exception& e) {
        errors.push_back(std::string("memory: ") + e.what());
      }
    }
    for (const auto& [holder, its] : peer_copies) {
      if (rec.found || !its.count(rec.iteration)) continue;
      try {
        const FetchResult f = fetch_replica(address[holder], token, rank, rec.iteration, buffer);
        rec.load.iteration = rec.iteration;
        rec.load.bytes = f.bytes;
        rec.load.checksum = f.checksum;
        rec.load.fetch_s = f.fetch_s;
        rec.load.verify_s = f.verify_s;
        rec.tier = "peer";
        rec.holder = holder;
        rec.found = true;
      } catch (const std::exception& e) {
        errors.push_back("peer " + std::to_string(holder) + ": " + e.what());
      }
    }
    if (!rec.found && disk && contains(own_disk, rec.iteration)) {
      try {
        if (auto r = disk->load_iteration(rec.iteration, buffer)) rec.load = *r, rec.tier = "disk", rec.found = true;
      } catch (const std::exception& e) {
        errors.push_back(std::string("disk: ") + e.what());
      }
    }
    if (!rec.found) {
      std::string why;
      for (const auto& e : errors) why += "; " + e;
      throw std::runtime_error("ranks agreed on iteration " + std::to_string(rec.iteration) +
                               " but no tier delivered it" + why);
    }
  }
  if (rec.found && o.debug_save_pause_ms > 0) {
    // Tests: announce the recovery and hold it here, fetched but not restored (--fail ...:recover).
    store->set(g + "/recovering/" + std::to_string(rank), std::to_string(rec.iteration));
    std::this_thread::sleep_for(std::chrono::milliseconds(o.debug_save_pause_ms));
  }
  const double t_fetched = monotonic_s();
  const ThreadCpuSample cpu_fetched = sample_thread_cpu();
  int tensors = 0, tensors_equal = 0;
  uint64_t restored_checksum = 0;
  if (rec.found) {
    trainer.restore(buffer.data(), rec.load.bytes);
    rec.load_s = monotonic_s() - t_fetched;
    if (o.verify_restore) {
      HostBuffer check = trainer.make_buffer();
      const CaptureResult c = trainer.capture(check);
      restored_checksum = c.checksum;
      const ImageInfo want = parse_header(buffer.data(), rec.load.bytes);
      const ImageInfo got = parse_header(check.data(), c.bytes);
      tensors = static_cast<int>(want.tensors.size());
      for (size_t i = 0; i < want.tensors.size() && i < got.tensors.size(); ++i) {
        tensors_equal += want.tensors[i].name == got.tensors[i].name &&
                         want.tensors[i].checksum == got.tensors[i].checksum;
      }
    }
  }
  group.barrier();
  const double t_ready = monotonic_s();
  json recovery = {{"e", "recovery"}, {"gen", gen}, {"rank", rank}, {"machine", machine},
                   {"t_start", t_start}, {"t_group", t_group}, {"t_agreed", t_agreed},
                   {"t_fetched", t_fetched}, {"t_ready", t_ready}, {"found", rec.found},
                   {"iteration", rec.iteration}, {"tier", rec.tier}, {"holder", rec.holder},
                   {"bytes", rec.load.bytes}, {"fetch_s", rec.load.fetch_s},
                   {"verify_s", rec.load.verify_s}, {"load_s", rec.load_s}, {"cold", rec.load.cold},
                   {"direct_io", rec.load.direct_io},
                   {"checkpoint_checksum", rec.load.checksum}, {"restored_checksum", restored_checksum},
                   {"tensors", tensors}, {"tensors_equal", tensors_equal},
                   {"candidates", {{"memory", own_memory}, {"disk", own_disk}}},
                   {"common", std::vector<uint64_t>(common.begin(), common.end())},
                   {"rejected", rec.rejected},
                   {"cpu_at_agreed", cpu_agreed.cpu}, {"cpu_at_fetched", cpu_fetched.cpu},
                   {"retrieval_preemptions", cpu_fetched.preemptions - cpu_agreed.preemptions},
                   {"retrieval_waits", cpu_fetched.waits - cpu_agreed.waits}};
  json peers_json = json::array();
  for (const auto& [holder, its] : peer_copies) {
    peers_json.push_back({{"holder", holder}, {"iterations", std::vector<uint64_t>(its.begin(), its.end())}});
  }
  recovery["candidates"]["peer"] = peers_json;
  log.write(recovery);
  if (rank == 0) {
    std::fprintf(stderr, "[rank 0] generation %d: %s at iteration %llu (group %.3f s after start)\n", gen,
                 rec.found ? ("resumed from " + rec.tier).c_str() : "fresh start",
                 static_cast<unsigned long long>(rec.iteration), t_group - t_start);
  }
  log.write({{"e", "model"}, {"gen", gen}, {"rank", rank}, {"parameters", trainer.parameter_count()},
             {"image_bytes", trainer.image_bytes()}, {"weights_bytes", trainer.image_breakdown().weights_bytes},
             {"optimizer_bytes", trainer.image_breakdown().optimizer_bytes},
             {"torch", Trainer::torch_version()}, {"backend", group.name()},
             {"gpu", trainer.gpu_name()}, {"device", trainer.device()},
             {"replication_transport", gemini ? o.replication_transport : ""},
             {"replication_in_line", o.replication_in_line()},
             {"pinned_host_buffer", buffer.pinned()}, {"threads", threads}});

  // ---- Training. ----
  std::unique_ptr<NcclComm> replica_comm;
  std::unique_ptr<Replicator> replicator;
  if (gemini) {
    Delivery deliver;
    if (o.replication_transport == "nccl") {
      replica_comm = dist::nccl_on(*store, g + "/nccl/repl", rank, world, trainer.cuda_index(), timeout);
      deliver = nccl_delivery(*replica_comm, *service, holders, owners, rank, gen, log);
    } else {
      std::vector<ReplicaTarget> targets;
      for (int h : holders) targets.push_back({h, address[h]});
      std::function<void(uint64_t)> halfway;
      if (o.debug_save_pause_ms > 0) {
        // Tests: announce from the replication thread (the store serialises its callers).
        halfway = [&store, g, rank, pause_ms = o.debug_save_pause_ms](uint64_t it) {
          store->set(g + "/replicating/" + std::to_string(rank), std::to_string(it));
          std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
        };
      }
      deliver = tcp_delivery(std::move(targets), token, rank, gen, log, std::move(halfway));
    }
    replicator = std::make_unique<Replicator>(std::move(deliver), holders.size(), rank, gen, log,
                                              o.replication_in_line());
  }
  // A checkpoint's background replication starts after the next step's gradient all-reduce:
  // that returns only once every rank has finished its save, so the transfer never takes CPU
  // from a peer still saving (whose save the all-reduce would wait for); it overlaps training
  // instead. In-line deliveries (--replication-mode in-line, or NCCL for both) are part of the
  // save: they go at once and the save's stall includes them.
  int64_t replication_pending = -1;  // the iteration waiting for that all-reduce, -1 if none
  auto submit_replication = [&] {
    if (replication_pending < 0) return;
    const auto view = memory->committed(static_cast<uint64_t>(replication_pending));
    if (view) replicator->submit(static_cast<uint64_t>(replication_pending), view->data, view->bytes);
    replication_pending = -1;
  };
  double allreduce_s = 0;  // the last step's gradient all-reduce (all ranks)
  const GradientReducer reduce{[&](float* data, size_t n) {
                                 const double a0 = monotonic_s();
                                 group.allreduce_sum(data, n);
                                 allreduce_s = monotonic_s() - a0;
                                 submit_replication();
                               },
                               group.device_memory()};
  const std::string iter_key = g + "/iter/" + std::to_string(rank);
  while (static_cast<int64_t>(trainer.iteration()) < o.iterations) {
    const double t0 = monotonic_s();
    const double loss = trainer.train_step(reduce);
    const double step_s = monotonic_s() - t0;
    const auto it = static_cast<int64_t>(trainer.iteration());
    store->set(iter_key, std::to_string(it));
    log.write({{"e", "iter"}, {"gen", gen}, {"rank", rank}, {"iteration", it}, {"loss", loss}, {"step_s", step_s},
               {"allreduce_s", allreduce_s}});
    if (rank == 0) {
      std::printf("iteration=%lld loss=%.9g step_s=%.6f\n", static_cast<long long>(it), loss, step_s);
      std::fflush(stdout);
    }
    const bool ckpt = o.strategy != "none" && it % o.interval == 0;
    const bool persist = disk && (o.strategy == "disk" ? ckpt : it % o.persistent_interval == 0);
    if (!ckpt && !persist) continue;

    const double s0 = monotonic_s();
    submit_replication();  // not yet sent (a step without an all-reduce): it goes before this save
    const double wait_s = replicator ? replicator->wait_idle() : 0.0;
    const CaptureResult cap = trainer.capture(buffer);
    double memory_s = 0, disk_s = 0, disk_fsync_s = 0;
    bool disk_direct_io = false, memory_untouched_slot = false;
    if (memory && ckpt) {
      memory_untouched_slot = memory->next_save_into_untouched_slot();
      const double m0 = monotonic_s();
      if (o.debug_save_pause_ms > 0) {
        int slot = -1;
        uint8_t* dst = memory->begin_save(cap.bytes, &slot);
        const uint64_t half = cap.bytes / 2;
        std::memcpy(dst, buffer.data(), half);
        store->set(g + "/saving/" + std::to_string(rank), std::to_string(it));
        std::this_thread::sleep_for(std::chrono::milliseconds(o.debug_save_pause_ms));
        std::memcpy(dst + half, buffer.data() + half, cap.bytes - half);
        memory->commit(slot);
      } else {
        memory->save(buffer.data(), cap.bytes);
      }
      memory_s = monotonic_s() - m0;
    }
    if (persist) {
      const double d0 = monotonic_s();
      const SaveResult saved = disk->save(buffer.data(), cap.bytes);
      disk_fsync_s = saved.commit_s;
      disk_direct_io = saved.direct_io;
      disk_s = monotonic_s() - d0;
    }
    double in_line_s = 0;  // an in-line replication: part of the stall, after the disk save
    if (replicator && ckpt) {
      replication_pending = it;
      if (replicator->in_line()) {
        const double r0 = monotonic_s();
        submit_replication();
        in_line_s = monotonic_s() - r0;
      }
    }
    const double stall_s = monotonic_s() - s0;
    log.write({{"e", "save"}, {"gen", gen}, {"rank", rank}, {"iteration", it}, {"bytes", cap.bytes},
               {"checksum", cap.checksum}, {"memory", memory && ckpt}, {"disk", persist},
               {"stall_s", stall_s}, {"replication_wait_s", wait_s}, {"snapshot_copy_s", cap.copy_s},
               {"snapshot_checksum_s", cap.checksum_s}, {"memory_s", memory_s},
               {"memory_untouched_slot", memory_untouched_slot}, {"disk_s", disk_s},
               {"disk_fsync_s", disk_fsync_s}, {"disk_direct_io", disk_direct_io},
               {"in_line_replication_s", in_line_s}});
  }
  if (replication_pending >= 0) {
    group.barrier();  // the last save, like the others, replicates once every rank has saved
    submit_replication();
  }
  const double wait_s = replicator ? replicator->wait_idle() : 0.0;
  group.barrier();  // every rank's replicas are in place before anyone's service stops
  const CaptureResult fin = trainer.capture(buffer);
  json done = {{"e", "done"}, {"gen", gen}, {"rank", rank}, {"iteration", trainer.iteration()},
               {"checksum", fin.checksum}, {"final_replication_wait_s", wait_s}};
  if (service) {
    const auto st = service->stats();
    done["replica_service"] = {{"puts", st.puts}, {"gets", st.gets}, {"rejected_tokens", st.rejected_tokens},
                               {"failed", st.failed}, {"put_receive_s", st.put_receive_s}};
  }
  log.write(done);
  store->set(g + "/done/" + std::to_string(rank), std::to_string(fin.checksum));
  return kRankOk;
}

}  // namespace

int run_rank(const RankOptions& o) {
  try {
    return train(o);
  } catch (const BadEnvironment& e) {
    std::fprintf(stderr, "gemini-train: %s\n", e.what());
    return kRankBadFlags;
  } catch (const dist::PeerFailure& e) {
    std::fprintf(stderr, "gemini-train: peer failure: %s\n", e.what());
    return kRankPeerFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemini-train: error: %s\n", e.what());
    return kRankError;
  }
}

}  // namespace gemini::real
