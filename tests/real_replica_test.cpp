// Torch-free parts of data-parallel checkpointing: GEMINI placement (Algorithm 1), the TCP
// replica service (token check, receiver-side verification, fetch), and the store extensions
// recovery uses (MemoryStore iterations/load_iteration, DiskStore keep_previous).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "checksum.hpp"
#include "disk_store.hpp"
#include "memory_store.hpp"
#include "placement.hpp"
#include "replica.hpp"
#include "state_image.hpp"

namespace gr = gemini::real;
namespace fs = std::filesystem;

namespace {
std::vector<uint8_t> make_image(uint64_t iteration, size_t floats = 20000) {
  gr::ImageLayout layout = gr::plan_layout({{"model/w", gr::DType::kF32, {static_cast<int64_t>(floats)}},
                                            {"train/iteration", gr::DType::kI64, {1}}});
  std::vector<uint8_t> image(layout.total_bytes);
  auto& w = layout.tensors[0];
  for (uint64_t i = 0; i < w.nbytes; ++i) image[w.offset + i] = static_cast<uint8_t>(i * 13 + iteration);
  std::memcpy(image.data() + layout.tensors[1].offset, &iteration, 8);
  for (auto& t : layout.tensors) t.checksum = gr::xxh64(image.data() + t.offset, t.nbytes);
  gr::write_header(layout, iteration, image.data());
  return image;
}
// Removes the replica segment a service `c` made for `owner` (/dev/shm/gemini-<job>-r<owner>).
void unlink_replica_segment(const gr::ReplicaServiceConfig& c, int owner) {
  gr::MemoryStoreConfig seg = c.segments;
  seg.rank = owner;
  gr::MemoryStore::unlink_segment(seg);
}

std::string unique(const std::string& what) {
  return "rt" + std::to_string(::getpid()) + "-" + what;
}

// A service configuration with the tests' token and segments named for this process and `what`.
gr::ReplicaServiceConfig service_config(const std::string& what) {
  gr::ReplicaServiceConfig c;
  c.token = "secret-token";
  c.segments.job = unique(what);
  return c;
}
}  // namespace

TEST(Placement, GroupRingAndAlgorithm1) {
  using P = gr::Placement;
  const auto g = gr::replica_peers(4, 2, P::kGroup);
  EXPECT_EQ(g[0], std::vector<int>({1}));
  EXPECT_EQ(g[1], std::vector<int>({0}));
  EXPECT_EQ(g[2], std::vector<int>({3}));
  EXPECT_EQ(g[3], std::vector<int>({2}));
  const auto r = gr::replica_peers(4, 3, P::kRing);
  EXPECT_EQ(r[0], std::vector<int>({1, 2}));
  EXPECT_EQ(r[3], std::vector<int>({0, 1}));
  EXPECT_EQ(gr::replica_sources(r)[0], std::vector<int>({2, 3}));
  // 5 machines, m = 2: Algorithm 1 keeps one group {0,1} and rings the last 3 machines.
  const auto a = gr::replica_peers(5, 2, P::kAuto);
  EXPECT_EQ(a[0], std::vector<int>({1}));
  EXPECT_EQ(a[1], std::vector<int>({0}));
  EXPECT_EQ(a[2], std::vector<int>({3}));
  EXPECT_EQ(a[3], std::vector<int>({4}));
  EXPECT_EQ(a[4], std::vector<int>({2}));
  EXPECT_EQ(gr::replica_peers(4, 2, P::kAuto), g);
  EXPECT_THROW(gr::replica_peers(5, 2, P::kGroup), std::invalid_argument);
  EXPECT_THROW(gr::replica_peers(2, 3, P::kRing), std::invalid_argument);
  EXPECT_THROW(gr::parse_placement("star"), std::invalid_argument);
  EXPECT_TRUE(gr::replica_peers(3, 1, P::kRing)[0].empty());
}

TEST(ReplicaService, TokenCheckedVerifiedStoredAndFetched) {
  const gr::ReplicaServiceConfig c = service_config("svc-m1");
  gr::ReplicaService service(c);
  EXPECT_EQ(service.address().rfind("127.0.0.1:", 0), 0u);
  const auto image = make_image(20);

  EXPECT_THROW(gr::put_replica(service.address(), "wrong-token", 3, image.data(), image.size()),
               std::exception);
  EXPECT_EQ(service.stats().rejected_tokens, 1u);
  EXPECT_TRUE(service.held_iterations(3).empty());

  auto bad = image;
  bad[bad.size() / 2] ^= 1;  // the receiver must verify before committing
  EXPECT_THROW(gr::put_replica(service.address(), c.token, 3, bad.data(), bad.size()), std::exception);
  EXPECT_TRUE(service.held_iterations(3).empty());

  EXPECT_EQ(gr::put_replica(service.address(), c.token, 3, image.data(), image.size()).iteration, 20u);
  const auto newer = make_image(25);
  gr::put_replica(service.address(), c.token, 3, newer.data(), newer.size());
  EXPECT_EQ(service.held_iterations(3), std::vector<uint64_t>({25, 20}));

  // The segment is the owner's replica on this machine, private to the user.
  gr::MemoryStoreConfig seg = c.segments;
  seg.rank = 3;
  struct stat st {};
  ASSERT_EQ(::stat(("/dev/shm/gemini-" + seg.job + "-r3").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  gr::HostBuffer out;
  const auto f = gr::fetch_replica(service.address(), c.token, 3, 20, out);
  ASSERT_EQ(f.bytes, image.size());
  EXPECT_EQ(std::memcmp(out.data(), image.data(), image.size()), 0);
  EXPECT_THROW(gr::fetch_replica(service.address(), c.token, 3, 99, out), std::runtime_error);
  EXPECT_THROW(gr::fetch_replica(service.address(), "nope", 3, 20, out), std::exception);
  gr::MemoryStore::unlink_segment(seg);
}

// Sends a hand-made PUT: the hello with a declared size, then `payload` (maybe fewer bytes than
// declared), then closes. Returns the reply's status byte, or -1 when the server closed first.
int raw_put(uint16_t port, const std::string& token, uint32_t owner, uint64_t declared_bytes,
            const std::vector<uint8_t>& payload) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -2;
  }
  std::string hello = "GEMREPL1";
  const auto put = [&](const void* p, size_t n) { hello.append(static_cast<const char*>(p), n); };
  const uint32_t token_len = static_cast<uint32_t>(token.size());
  const uint8_t op = 1;  // PUT
  put(&token_len, 4);
  put(token.data(), token.size());
  put(&op, 1);
  put(&owner, 4);
  put(&declared_bytes, 8);
  hello.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  (void)::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);  // a short payload ends here
  uint8_t status = 0;
  const ssize_t got = ::recv(fd, &status, 1, MSG_WAITALL);
  ::close(fd);
  return got == 1 ? status : -1;
}

// Malformed PUTs from a peer that has the token: an impossible declared size (0, or 2^63, which
// once overflowed the segment size), a payload shorter than declared, an image whose header
// claims more bytes than sent, a corrupt image. Each is refused, the replica already held stays
// loadable, and the service goes on serving.
TEST(ReplicaService, MalformedPutsAreRefusedAndKeepTheHeldReplica) {
  gr::ReplicaServiceConfig c = service_config("svc-bad");
  c.io_timeout_s = 5;
  std::mutex mu;
  std::vector<std::string> refusals;  // what the service reported, in order
  c.on_refused = [&](const std::string& why) {
    std::lock_guard<std::mutex> lock(mu);
    refusals.push_back(why);
  };
  gr::ReplicaService service(c);
  const auto image = make_image(20);
  ASSERT_EQ(gr::put_replica(service.address(), c.token, 1, image.data(), image.size()).iteration, 20u);

  EXPECT_EQ(raw_put(service.port(), c.token, 1, 0, {}), 3);
  EXPECT_EQ(raw_put(service.port(), c.token, 1, uint64_t{1} << 63, image), 3);
  const std::vector<uint8_t> half(image.begin(), image.begin() + static_cast<long>(image.size() / 2));
  EXPECT_EQ(raw_put(service.port(), c.token, 1, image.size(), half), -1);  // short payload: closed
  // Declared and sent agree, but the image's own header says it is longer.
  EXPECT_THROW(gr::put_replica(service.address(), c.token, 1, half.data(), half.size()), std::runtime_error);
  EXPECT_EQ(service.stats().failed, 4u);
  EXPECT_EQ(raw_put(service.port(), "wrong-token", 1, image.size(), image), -1);  // closed without a word
  // Each refusal was reported with its reason (the service thread may report just after replying).
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (refusals.size() >= 5) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(refusals.size(), 5u);
    EXPECT_NE(refusals[0].find("0 bytes: no image has that size"), std::string::npos) << refusals[0];
    EXPECT_NE(refusals[1].find("no image has that size"), std::string::npos) << refusals[1];
    EXPECT_NE(refusals[2].find("request failed"), std::string::npos) << refusals[2];
    EXPECT_NE(refusals[3].find("failed verification"), std::string::npos) << refusals[3];
    EXPECT_NE(refusals[4].find("without the job token"), std::string::npos) << refusals[4];
  }

  // The newest held replica survived every one of them.
  const auto held = service.held_iterations(1);
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(held.front(), 20u);
  gr::HostBuffer out;
  const auto f = gr::fetch_replica(service.address(), c.token, 1, 20, out);
  ASSERT_EQ(f.bytes, image.size());
  EXPECT_EQ(std::memcmp(out.data(), image.data(), image.size()), 0);
  // And a good PUT still goes through.
  const auto newer = make_image(25);
  EXPECT_EQ(gr::put_replica(service.address(), c.token, 1, newer.data(), newer.size()).iteration, 25u);
  unlink_replica_segment(c, 1);
}

// A holder that answers a GET with another iteration's image (its slot header says 21, the image
// inside is 20: a corrupt or confused holder) is refused by the fetcher, which checks the image.
TEST(ReplicaService, FetchRefusesAnImageOfAnotherIteration) {
  const gr::ReplicaServiceConfig c = service_config("svc-iter");
  gr::ReplicaService service(c);
  const auto image = make_image(20);
  gr::put_replica(service.address(), c.token, 2, image.data(), image.size());
  // Header: magic u64, version u32, slot_count u32, slot_capacity u64, latest u64, then two slots
  // {state u32, pad u32, seq u64, iteration u64, bytes u64, checksum u64}.
  const std::string path = "/dev/shm/gemini-" + c.segments.job + "-r2";
  const int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  bool patched = false;
  for (const off_t slot_at : {off_t{32}, off_t{72}}) {
    uint64_t iteration = 0;
    ASSERT_EQ(::pread(fd, &iteration, 8, slot_at + 16), 8);
    if (iteration != 20) continue;
    const uint64_t claimed = 21;
    ASSERT_EQ(::pwrite(fd, &claimed, 8, slot_at + 16), 8);
    patched = true;
  }
  ::close(fd);
  ASSERT_TRUE(patched);
  gr::HostBuffer out;
  try {
    gr::fetch_replica(service.address(), c.token, 2, 21, out);
    FAIL() << "an image of iteration 20 was accepted as 21";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("wrong iteration"), std::string::npos) << e.what();
  }
  unlink_replica_segment(c, 2);
}

// The NCCL exchange receives into the holder's slot itself: same verification and keep-the-old
// rule as a PUT, and the result is fetchable over TCP like any replica.
TEST(ReplicaService, LocalReceiveIsVerifiedCommittedAndFetchable) {
  const gr::ReplicaServiceConfig c = service_config("svc-local");
  gr::ReplicaService service(c);
  const auto image = make_image(30);
  auto slot = service.begin_local(5, image.size());
  std::memcpy(slot.data, image.data(), image.size());
  EXPECT_EQ(service.commit_local(slot), 30u);
  EXPECT_EQ(service.held_iterations(5), std::vector<uint64_t>({30}));

  auto bad = make_image(35);
  bad[bad.size() / 3] ^= 4;
  slot = service.begin_local(5, bad.size());
  std::memcpy(slot.data, bad.data(), bad.size());
  EXPECT_THROW(service.commit_local(slot), gr::ImageError);
  EXPECT_EQ(service.held_iterations(5), std::vector<uint64_t>({30}));  // the torn one is not exposed
  EXPECT_THROW(service.begin_local(5, 3), std::invalid_argument);     // smaller than any header
  const auto st = service.stats();
  EXPECT_EQ(st.puts, 1u);
  EXPECT_EQ(st.put_receive_s.size(), 1u);
  EXPECT_EQ(st.failed, 1u);

  gr::HostBuffer out;
  ASSERT_EQ(gr::fetch_replica(service.address(), c.token, 5, 30, out).bytes, image.size());
  EXPECT_EQ(std::memcmp(out.data(), image.data(), image.size()), 0);
  unlink_replica_segment(c, 5);
}

TEST(ReplicaService, RejectsBadBindAddress) {
  gr::ReplicaServiceConfig c;
  c.token = "t";
  c.bind_address = "not-an-address";
  EXPECT_THROW(gr::ReplicaService s(c), std::invalid_argument);
  c.bind_address = "127.0.0.1";
  c.token = "";
  EXPECT_THROW(gr::ReplicaService s(c), std::invalid_argument);
}

TEST(MemoryStoreRecovery, IterationsAndLoadByIteration) {
  gr::MemoryStoreConfig c;
  c.job = unique("iters");
  c.slot_capacity_bytes = make_image(0).size();
  gr::MemoryStore s(c);
  EXPECT_TRUE(s.iterations().empty());
  for (uint64_t it : {5u, 10u, 15u}) {
    const auto im = make_image(it);
    s.save(im.data(), im.size());
  }
  EXPECT_EQ(s.iterations(), std::vector<uint64_t>({15, 10}));
  gr::HostBuffer out;
  EXPECT_EQ(s.load_iteration(10, out)->iteration, 10u);
  EXPECT_FALSE(s.load_iteration(5, out).has_value());
  ASSERT_TRUE(s.committed(15).has_value());
  EXPECT_EQ(s.committed(15)->bytes, make_image(15).size());
  s.destroy();
}

TEST(DiskStoreRecovery, KeepsPreviousCheckpoint) {
  const fs::path dir = fs::temp_directory_path() / unique("disk");
  gr::DiskStoreConfig c{dir.string(), "job", 2, true, true};
  gr::DiskStore s(c);
  for (uint64_t it : {10u, 20u, 30u}) {
    const auto im = make_image(it);
    s.save(im.data(), im.size());
  }
  EXPECT_EQ(s.iterations(), std::vector<uint64_t>({30, 20}));
  gr::HostBuffer out;
  EXPECT_EQ(s.load_iteration(20, out)->iteration, 20u);
  EXPECT_FALSE(s.load_iteration(10, out).has_value());
  // A corrupt newest file falls back to the previous one.
  {
    FILE* f = std::fopen(s.path().c_str(), "r+b");
    const long at = static_cast<long>(make_image(30).size() / 2);
    std::fseek(f, at, SEEK_SET);
    const int ch = std::fgetc(f);
    std::fseek(f, at, SEEK_SET);
    std::fputc(ch ^ 0xff, f);
    std::fclose(f);
  }
  const auto r = s.load_latest(out);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->iteration, 20u);
  EXPECT_EQ(r->rejected.size(), 1u);
  s.destroy();
  fs::remove_all(dir);
}
