// c10d adapter: our rendezvous store (kv_store.hpp) + ProcessGroupGloo (or the TCP ring of
// tcp_allreduce.cpp where Gloo is missing or not wanted). Every LibTorch-version difference of
// c10d lives here.
//  - 1.13: ProcessGroupGloo derives from ProcessGroup; errors are c10::Error / std::runtime_error
//    (gloo::IoException); a timed-out wait desynchronises the client (so we never wait on keys).
//  - 2.x: ProcessGroupGloo derives from c10d::Backend (Options from Backend::Options); store
//    timeouts throw c10::DistStoreError (a c10::Error). We only call members both versions have
//    on ProcessGroupGloo itself, never through the ProcessGroup base.
#include "dist.hpp"

#include <torch/version.h>
#include <c10/util/Exception.h>  // c10::Error, also when the Gloo headers are absent (device builds)

#if defined(USE_C10D_GLOO) && __has_include(<gloo/algorithm.h>)
#define GEMINI_HAVE_GLOO 1
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#else
#define GEMINI_HAVE_GLOO 0
#endif

#include <thread>
#include <vector>

#include "kv_store.hpp"
#include "nccl_comm.hpp"
#include "tcp_allreduce.hpp"

namespace gemini::real::dist {
namespace {

using Clock = std::chrono::steady_clock;

std::string message(const std::exception& e) {
  if (const auto* ce = dynamic_cast<const c10::Error*>(&e)) return ce->what_without_backtrace();
  return e.what();
}

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

template <typename F>
auto guarded(const char* what, const std::string& key, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    throw StoreError(std::string("store ") + what + " " + key + ": " + message(e));
  }
}

}  // namespace

struct KvStore::Impl {
  std::unique_ptr<KvServer> server;  // when this process hosts the store
  std::shared_ptr<KvClient> client;
  std::string host;  // the address clients dial
  uint16_t port = 0;
};

KvStore::KvStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KvStore::~KvStore() = default;

std::unique_ptr<KvStore> KvStore::serve(const std::string& bind, uint16_t port, std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->server = guarded("serve", bind + ":" + std::to_string(port), [&] { return std::make_unique<KvServer>(bind, port); });
  impl->port = impl->server->port();
  impl->host = bind == "0.0.0.0" ? "127.0.0.1" : bind;  // every interface: this host reaches it on loopback
  impl->client = guarded("connect", impl->host,
                         [&] { return std::make_shared<KvClient>(impl->host, impl->port, timeout.count()); });
  return std::unique_ptr<KvStore>(new KvStore(std::move(impl)));
}

std::unique_ptr<KvStore> KvStore::connect(const std::string& host, uint16_t port,
                                          std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->host = host;
  impl->port = port;
  impl->client = guarded("connect", host + ":" + std::to_string(port),
                         [&] { return std::make_shared<KvClient>(host, port, timeout.count()); });
  return std::unique_ptr<KvStore>(new KvStore(std::move(impl)));
}

uint16_t KvStore::port() const { return impl_->port; }
const std::string& KvStore::host() const { return impl_->host; }

void KvStore::set(const std::string& key, const std::string& value) {
  guarded("set", key, [&] { impl_->client->set(key, bytes(value)); });
}

bool KvStore::check(const std::string& key) {
  return guarded("check", key, [&] { return impl_->client->check({key}); });
}

std::optional<std::string> KvStore::try_get(const std::string& key) {
  auto v = guarded("get", key, [&] { return impl_->client->get(key); });
  if (!v) return std::nullopt;
  return std::string(v->begin(), v->end());
}

std::string KvStore::wait_get(const std::string& key, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto v = try_get(key)) return *v;
    if (Clock::now() > deadline) {
      throw StoreError("store: timed out after " + std::to_string(timeout.count()) +
                       " ms waiting for " + key);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

int64_t KvStore::add(const std::string& key, int64_t delta) {
  return guarded("add", key, [&] { return impl_->client->add(key, delta); });
}

#if GEMINI_HAVE_GLOO
namespace {
// c10d's Store interface over our client, for ProcessGroupGloo's own rendezvous keys.
class ClientStore : public c10d::Store {
 public:
  ClientStore(std::shared_ptr<KvClient> client, std::chrono::milliseconds timeout)
      : c10d::Store(timeout), client_(std::move(client)) {}
  void set(const std::string& key, const std::vector<uint8_t>& value) override { client_->set(key, value); }
  std::vector<uint8_t> compareSet(const std::string& key, const std::vector<uint8_t>& expected,
                                  const std::vector<uint8_t>& desired) override {
    return client_->compare_set(key, expected, desired);
  }
  std::vector<uint8_t> get(const std::string& key) override {
    wait({key});
    auto v = client_->get(key);
    if (!v) throw std::runtime_error("store key " + key + " vanished");
    return *v;
  }
  int64_t add(const std::string& key, int64_t value) override { return client_->add(key, value); }
  bool deleteKey(const std::string& key) override { return client_->erase(key); }
  bool check(const std::vector<std::string>& keys) override { return client_->check(keys); }
  int64_t getNumKeys() override { return client_->size(); }
  void wait(const std::vector<std::string>& keys) override { wait(keys, timeout_); }
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override {
    const auto deadline = Clock::now() + timeout;
    while (!client_->check(keys)) {
      if (Clock::now() > deadline) throw std::runtime_error("store: timed out waiting for " + keys.front());
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  std::shared_ptr<KvClient> client_;
};
}  // namespace
#endif

namespace {
// The store as the set / wait_get pair that TcpRing and NcclComm rendezvous through.
RingRendezvous rendezvous_on(KvStore& store) {
  RingRendezvous rv;
  rv.set = [&store](const std::string& k, const std::string& v) { store.set(k, v); };
  rv.wait_get = [&store](const std::string& k, std::chrono::milliseconds t) { return store.wait_get(k, t); };
  return rv;
}
}  // namespace

std::unique_ptr<NcclComm> nccl_on(KvStore& store, const std::string& prefix, int rank, int world, int cuda_device,
                                  std::chrono::milliseconds timeout) {
  NcclConfig c;
  c.rank = rank;
  c.world = world;
  c.device = cuda_device;
  c.prefix = prefix;
  c.timeout = timeout;
  return std::make_unique<NcclComm>(c, rendezvous_on(store));
}

struct Collective::Impl {
  std::string name;
#if GEMINI_HAVE_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
#endif
  std::unique_ptr<TcpRing> ring;
  std::unique_ptr<NcclComm> nccl;
};

bool Collective::available() { return GEMINI_HAVE_GLOO != 0; }

std::string Collective::backend() {
  return GEMINI_HAVE_GLOO ? "gloo" : "tcp (LibTorch " TORCH_VERSION " built without Gloo headers)";
}

std::string Collective::check_kind(const std::string& kind) {
  if (kind == "auto" || kind == "tcp") return "";
  if (kind == "nccl") return NcclComm::compiled() ? "" : "--collective nccl: " + NcclComm::describe();
  if (kind == "gloo") {
    return GEMINI_HAVE_GLOO ? "" : "--collective gloo: LibTorch " TORCH_VERSION " was built without Gloo headers";
  }
  return "--collective must be auto, gloo, tcp or nccl (got '" + kind + "')";
}

Collective::Collective(KvStore& store, const std::string& prefix, int rank, int world,
                       std::chrono::milliseconds timeout, const std::string& host,
                       const std::string& kind, const std::string& token, int cuda_device)
    : impl_(std::make_unique<Impl>()) {
  if (const std::string problem = check_kind(kind); !problem.empty()) throw std::invalid_argument(problem);
  if (kind == "nccl") {
    if (cuda_device < 0) throw std::invalid_argument("--collective nccl needs a CUDA device (--device cuda)");
    impl_->name = "nccl";
    impl_->nccl = nccl_on(store, prefix + "/nccl/grad", rank, world, cuda_device, timeout);
    return;
  }
  const bool use_gloo = kind == "gloo" || (kind == "auto" && GEMINI_HAVE_GLOO);
  if (!use_gloo) {
    impl_->name = "tcp";
    TcpRingConfig c;
    c.rank = rank;
    c.world = world;
    c.prefix = prefix;
    c.bind = host;
    c.token = token;
    c.timeout = timeout;
    impl_->ring = std::make_unique<TcpRing>(c, rendezvous_on(store));
    return;
  }
  impl_->name = "gloo";
#if GEMINI_HAVE_GLOO
  // Everyone arrives before anyone builds the group: the constructor waits for peers only as
  // long as the Options timeout, and late replacements are normal after a failure.
  const std::string joined = prefix + "/joined";
  store.add(joined, 1);
  const auto deadline = Clock::now() + timeout;
  while (store.add(joined, 0) < world) {
    if (Clock::now() > deadline) {
      throw PeerFailure("only " + std::to_string(store.add(joined, 0)) + " of " +
                        std::to_string(world) + " ranks joined " + prefix);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto prefixed = c10::make_intrusive<c10d::PrefixStore>(
      prefix, c10::make_intrusive<ClientStore>(store.impl().client, timeout));
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(host));
  options->threads = 1;
  try {
    impl_->group = c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed, rank, world, options);
  } catch (const std::exception& e) {
    throw PeerFailure("building the Gloo group " + prefix + ": " + message(e));
  }
#endif
}

Collective::~Collective() = default;

std::string Collective::name() const { return impl_->name; }

bool Collective::device_memory() const { return impl_->nccl != nullptr; }
void Collective::allreduce_sum(float* data, size_t count) {
  if (impl_->nccl) {
    impl_->nccl->allreduce_sum_device(data, count);
    return;
  }
  if (impl_->ring) {
    impl_->ring->allreduce_sum(data, count);
    return;
  }
#if GEMINI_HAVE_GLOO
  std::vector<at::Tensor> tensors{
      at::from_blob(data, {static_cast<int64_t>(count)}, at::TensorOptions().dtype(at::kFloat))};
  try {
    auto work = impl_->group->allreduce(tensors);
    work->wait();
  } catch (const std::exception& e) {
    throw PeerFailure("allreduce: " + message(e));
  }
#else
  (void)data, (void)count;
#endif
}

void Collective::barrier() {
  if (impl_->nccl) {
    impl_->nccl->barrier();
    return;
  }
  float one = 1.0f;
  allreduce_sum(&one, 1);
}

}  // namespace gemini::real::dist
