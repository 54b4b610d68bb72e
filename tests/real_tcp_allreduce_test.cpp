// The TCP ring all-reduce (tcp_allreduce.hpp) and dist::Collective's "tcp" backend: sums equal
// to a serial sum for 1..4 ranks (threads), bit-identical results on every rank, token and
// generation checks at connection time, a killed peer (a real SIGKILLed process) raising at
// once, a hung peer (SIGSTOPped) raising after the timeout, and the ring through the c10d
// TCPStore exactly as the ranks use it.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include "dist.hpp"
#include "nccl_comm.hpp"
#include "tcp_allreduce.hpp"

namespace fs = std::filesystem;
using gemini::real::RingRendezvous;
using gemini::real::TcpRing;
using gemini::real::TcpRingConfig;
using gemini::real::dist::PeerFailure;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A rendezvous through files (fork-safe; the ranks use the TCPStore instead).
RingRendezvous file_rendezvous(const fs::path& dir) {
  RingRendezvous rv;
  rv.set = [dir](const std::string& key, const std::string& value) {
    std::string name = key;
    for (char& c : name) c = c == '/' ? '_' : c;
    const fs::path tmp = dir / (name + ".tmp" + std::to_string(::getpid()) + "-" +
                                std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id())));
    std::ofstream(tmp) << value;
    fs::rename(tmp, dir / name);
  };
  rv.wait_get = [dir](const std::string& key, std::chrono::milliseconds timeout) {
    std::string name = key;
    for (char& c : name) c = c == '/' ? '_' : c;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      std::ifstream in(dir / name);
      if (in) {
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
      }
      if (Clock::now() > deadline) throw std::runtime_error("timed out waiting for " + key);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  };
  return rv;
}

class TcpRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ring" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  TcpRingConfig config(int rank, int world, const std::string& prefix, int timeout_ms = 20000) {
    TcpRingConfig c;
    c.rank = rank;
    c.world = world;
    c.prefix = prefix;
    c.token = "secret-token";
    c.timeout = std::chrono::milliseconds(timeout_ms);
    return c;
  }

  // Runs `body(rank, ring)` on `world` threads, each with its own ring member.
  template <typename F>
  void on_ring(int world, const std::string& prefix, F body) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(static_cast<size_t>(world));
    for (int r = 0; r < world; ++r) {
      threads.emplace_back([&, r] {
        try {
          TcpRing ring(config(r, world, prefix), file_rendezvous(dir_));
          body(r, ring);
        } catch (const std::exception& e) {
          errors[static_cast<size_t>(r)] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int r = 0; r < world; ++r) EXPECT_EQ(errors[static_cast<size_t>(r)], "") << "rank " << r;
  }

  fs::path dir_;
};

}  // namespace

TEST_F(TcpRingTest, SumsEqualSerialSumForOneToFourRanks) {
  for (int world = 1; world <= 4; ++world) {
    for (size_t count : {size_t{0}, size_t{1}, size_t{3}, size_t{7}, size_t{1000}, (size_t{1} << 20) + 13}) {
      // Integer-valued floats: every summation order gives the exact serial sum.
      auto value = [](int r, size_t i) { return static_cast<float>(static_cast<int64_t>((i * 7919 + r * 104729) % 2001) - 1000); };
      std::vector<float> serial(count, 0.0f);
      for (int r = 0; r < world; ++r) {
        for (size_t i = 0; i < count; ++i) serial[i] += value(r, i);
      }
      std::vector<std::vector<float>> out(static_cast<size_t>(world));
      on_ring(world, "w" + std::to_string(world) + "c" + std::to_string(count), [&](int r, TcpRing& ring) {
        std::vector<float> data(count);
        for (int call = 0; call < 3; ++call) {  // repeated calls on one ring
          for (size_t i = 0; i < count; ++i) data[i] = value(r, i);
          ring.allreduce_sum(data.data(), data.size());
        }
        ring.barrier();
        out[static_cast<size_t>(r)] = data;
      });
      for (int r = 0; r < world; ++r) {
        ASSERT_EQ(out[static_cast<size_t>(r)].size(), count);
        EXPECT_TRUE(out[static_cast<size_t>(r)] == serial) << "world " << world << " count " << count << " rank " << r;
      }
    }
  }
}

TEST_F(TcpRingTest, RandomFloatsAreBitIdenticalOnAllRanksAndCloseToSerial) {
  const size_t count = 300007;
  for (int world = 2; world <= 4; ++world) {
    std::vector<std::vector<float>> in(static_cast<size_t>(world), std::vector<float>(count));
    std::mt19937 rng(world);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (auto& v : in) {
      for (auto& x : v) x = normal(rng);
    }
    std::vector<std::vector<float>> out(static_cast<size_t>(world));
    on_ring(world, "rand" + std::to_string(world), [&](int r, TcpRing& ring) {
      std::vector<float> data = in[static_cast<size_t>(r)];
      ring.allreduce_sum(data.data(), data.size());
      out[static_cast<size_t>(r)] = data;
    });
    for (int r = 1; r < world; ++r) {
      EXPECT_EQ(std::memcmp(out[0].data(), out[static_cast<size_t>(r)].data(), count * sizeof(float)), 0)
          << "rank " << r << " differs from rank 0 (world " << world << ")";
    }
    size_t exact = 0;
    for (size_t i = 0; i < count; ++i) {
      double sum = 0;
      float serial = 0;
      for (int r = 0; r < world; ++r) sum += in[static_cast<size_t>(r)][i], serial += in[static_cast<size_t>(r)][i];
      ASSERT_NEAR(out[0][i], sum, 1e-5 * (1 + std::fabs(sum))) << "element " << i;
      exact += out[0][i] == serial;
    }
    if (world == 2) {
      EXPECT_EQ(exact, count);  // a + b == b + a
    }
  }
}

TEST_F(TcpRingTest, WrongTokenIsClosedWithoutAnswerAndTheRingStillForms) {
  std::atomic<bool> stranger_sent{false};
  std::string stranger_saw = "not run";
  std::thread stranger([&] {
    // Waits for rank 0's address, then presents a wrong token.
    const std::string address = file_rendezvous(dir_).wait_get("tok/ring/0", std::chrono::milliseconds(20000));
    const auto colon = address.rfind(':');
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
    ::inet_pton(AF_INET, address.substr(0, colon).c_str(), &a.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      std::string hello("GEMRING1", 8);
      const std::string token = "wrong-token!";
      uint32_t v = static_cast<uint32_t>(token.size());
      hello.append(reinterpret_cast<char*>(&v), 4).append(token);
      v = 3;
      hello.append(reinterpret_cast<char*>(&v), 4).append("tok");
      v = 1;  // claims to be rank 1 (rank 0's previous in a ring of 2)
      hello.append(reinterpret_cast<char*>(&v), 4);
      v = 2;
      hello.append(reinterpret_cast<char*>(&v), 4);
      ::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
      stranger_sent = true;  // rank 0 accepts only after connecting to rank 1: let rank 1 start
      char c = 0;
      const ssize_t got = ::recv(fd, &c, 1, 0);
      stranger_saw = got == 0 ? "closed" : got < 0 ? "error" : "answered";
    }
    ::close(fd);
    stranger_sent = true;
  });
  std::vector<uint64_t> rejected(2);
  std::vector<std::thread> ranks;
  std::vector<std::string> errors(2);
  for (int r = 0; r < 2; ++r) {
    ranks.emplace_back([&, r] {
      try {
        if (r == 1) {
          while (!stranger_sent) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        TcpRing ring(config(r, 2, "tok"), file_rendezvous(dir_));
        float x = static_cast<float>(r + 1);
        ring.allreduce_sum(&x, 1);
        if (x != 3.0f) errors[static_cast<size_t>(r)] = "wrong sum";
        rejected[static_cast<size_t>(r)] = ring.stats().rejected;
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(r)] = e.what();
      }
    });
  }
  stranger.join();
  for (auto& t : ranks) t.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(stranger_saw, "closed");
  EXPECT_EQ(rejected[0], 1u);
}

TEST_F(TcpRingTest, MismatchedTokenOrGenerationFailsWithinTheTimeout) {
  for (const char* what : {"token", "generation"}) {
    std::vector<std::string> errors(2);
    std::vector<std::thread> ranks;
    const auto t0 = Clock::now();
    for (int r = 0; r < 2; ++r) {
      ranks.emplace_back([&, r] {
        TcpRingConfig c = config(r, 2, std::string("mm-") + what, 1500);
        if (r == 1 && std::string(what) == "token") c.token = "other-token";
        auto rv = file_rendezvous(dir_);
        if (r == 1 && std::string(what) == "generation") {
          // Publishes under the shared key but presents another generation in its hello.
          c.prefix = "mm-generation-stale";
          auto inner = rv;
          rv.set = [inner](const std::string&, const std::string& v) { inner.set("mm-generation/ring/1", v); };
          rv.wait_get = [inner](const std::string&, std::chrono::milliseconds t) {
            return inner.wait_get("mm-generation/ring/0", t);
          };
        }
        try {
          TcpRing ring(c, rv);
          errors[static_cast<size_t>(r)] = "no error";
        } catch (const PeerFailure& e) {
          errors[static_cast<size_t>(r)] = "peer failure";
        } catch (const std::exception& e) {
          errors[static_cast<size_t>(r)] = e.what();
        }
      });
    }
    for (auto& t : ranks) t.join();
    EXPECT_EQ(errors[0], "peer failure") << what;
    EXPECT_EQ(errors[1], "peer failure") << what;
    EXPECT_LT(since(t0), 1.5 + 2.0) << what;
  }
}

namespace {

// Forks ranks 1..world-1 (rank 0 is this process); each joins the ring, does one all-reduce,
// then `victim` does `action` (SIGKILL itself, or SIGSTOP) while the others start a second one.
// Returns rank 0's error and the time its second call took; fills the children's statuses.
struct ForkResult {
  std::string error;
  double seconds = 0;
  std::vector<int> status;  // per rank (index 0 unused)
};

ForkResult ring_with_victim(const fs::path& dir, int world, int victim, int sig, int timeout_ms) {
  const size_t count = 1 << 20;
  auto make = [&](int r) {
    TcpRingConfig c;
    c.rank = r;
    c.world = world;
    c.prefix = "fork" + std::to_string(sig);
    c.token = "t";
    c.timeout = std::chrono::milliseconds(timeout_ms);
    return c;
  };
  std::vector<pid_t> pids(static_cast<size_t>(world), -1);
  for (int r = 1; r < world; ++r) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      int code = 0;
      try {
        TcpRing ring(make(r), file_rendezvous(dir));
        std::vector<float> data(count, 1.0f);
        ring.allreduce_sum(data.data(), count);
        if (data[0] != static_cast<float>(world)) _exit(4);
        if (r == victim) ::raise(sig);
        ring.allreduce_sum(data.data(), count);
      } catch (const PeerFailure&) {
        code = 3;
      } catch (...) {
        code = 1;
      }
      _exit(code);
    }
    pids[static_cast<size_t>(r)] = pid;
  }
  ForkResult result;
  try {
    TcpRing ring(make(0), file_rendezvous(dir));
    std::vector<float> data(count, 1.0f);
    ring.allreduce_sum(data.data(), count);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the victim acts meanwhile
    const auto t0 = Clock::now();
    try {
      ring.allreduce_sum(data.data(), count);
      result.error = "no error";
    } catch (const PeerFailure& e) {
      result.error = "peer failure";
    }
    result.seconds = since(t0);
  } catch (const std::exception& e) {
    result.error = std::string("setup: ") + e.what();
  }
  result.status.assign(static_cast<size_t>(world), 0);
  for (int r = 1; r < world; ++r) {
    if (r == victim && sig == SIGSTOP) ::kill(pids[static_cast<size_t>(r)], SIGKILL);
    ::waitpid(pids[static_cast<size_t>(r)], &result.status[static_cast<size_t>(r)], 0);
  }
  return result;
}

}  // namespace

TEST_F(TcpRingTest, KilledPeerProcessRaisesAtOnce) {
  const int timeout_ms = 20000;
  const ForkResult r = ring_with_victim(dir_, 4, 2, SIGKILL, timeout_ms);
  EXPECT_EQ(r.error, "peer failure");
  EXPECT_LT(r.seconds, 5.0) << "a dead peer must not wait for the " << timeout_ms << " ms timeout";
  EXPECT_TRUE(WIFSIGNALED(r.status[2]) && WTERMSIG(r.status[2]) == SIGKILL);
  for (int rank : {1, 3}) {
    EXPECT_TRUE(WIFEXITED(r.status[rank]) && WEXITSTATUS(r.status[rank]) == 3) << "rank " << rank;
  }
}

TEST_F(TcpRingTest, HungPeerRaisesAfterTheTimeout) {
  const int timeout_ms = 1500;
  const ForkResult r = ring_with_victim(dir_, 4, 3, SIGSTOP, timeout_ms);
  EXPECT_EQ(r.error, "peer failure");
  EXPECT_GE(r.seconds, 0.9 * timeout_ms / 1000.0);
  EXPECT_LT(r.seconds, timeout_ms / 1000.0 + 3.0);
  for (int rank : {1, 2}) {
    EXPECT_TRUE(WIFEXITED(r.status[rank]) && WEXITSTATUS(r.status[rank]) == 3) << "rank " << rank;
  }
}

TEST(TcpCollective, ThroughTheTcpStoreLikeTheRanks) {
  using gemini::real::dist::Collective;
  using gemini::real::dist::KvStore;
  EXPECT_EQ(Collective::check_kind("tcp"), "");
  EXPECT_EQ(Collective::check_kind("auto"), "");
  EXPECT_EQ(Collective::check_kind("nccl").empty(), gemini::real::NcclComm::compiled());
  EXPECT_NE(Collective::check_kind("mpi"), "");
  EXPECT_EQ(Collective::check_kind("gloo").empty(), Collective::available());
  const auto timeout = std::chrono::milliseconds(20000);
  auto server = KvStore::serve("127.0.0.1", 0, timeout);
  const int world = 3;
  const size_t count = 100003;
  std::vector<std::string> kinds = {"tcp"};
  if (Collective::available()) kinds.push_back("gloo");
  for (const auto& kind : kinds) {
    std::vector<std::vector<float>> out(world);
    std::vector<std::string> names(world), errors(world);
    std::vector<std::thread> threads;
    for (int r = 0; r < world; ++r) {
      threads.emplace_back([&, r] {
        try {
          auto store = KvStore::connect("127.0.0.1", server->port(), timeout);
          Collective c(*store, "k-" + kind, r, world, timeout, "127.0.0.1", kind, "tok");
          std::vector<float> data(count);
          for (size_t i = 0; i < count; ++i) data[i] = static_cast<float>((i + static_cast<size_t>(r)) % 97);
          c.allreduce_sum(data.data(), count);
          c.barrier();
          out[r] = data;
          names[r] = c.name();
        } catch (const std::exception& e) {
          errors[r] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int r = 0; r < world; ++r) {
      EXPECT_EQ(errors[r], "") << kind << " rank " << r;
      EXPECT_EQ(names[r], kind);
      ASSERT_EQ(out[r].size(), count);
      for (size_t i = 0; i < count; i += 997) {
        float want = 0;
        for (int q = 0; q < world; ++q) want += static_cast<float>((i + static_cast<size_t>(q)) % 97);
        ASSERT_EQ(out[r][i], want) << kind << " rank " << r << " element " << i;
      }
    }
  }
  // "auto" is gloo where built, else tcp.
  auto store = KvStore::connect("127.0.0.1", server->port(), timeout);
  Collective single(*store, "auto1", 0, 1, timeout, "127.0.0.1", "auto", "tok");
  EXPECT_EQ(single.name(), Collective::available() ? "gloo" : "tcp");
}

TEST_F(TcpRingTest, ThroughputOnLoopback) {
  // Not a pass/fail bound (2 shared cores here): prints what a 4-rank all-reduce costs.
  const size_t count = size_t{16} << 20;  // 64 MB per rank
  double seconds = 0;
  on_ring(4, "bw", [&](int r, TcpRing& ring) {
    std::vector<float> data(count, 1.0f);
    ring.allreduce_sum(data.data(), count);  // warm-up
    const auto t0 = Clock::now();
    ring.allreduce_sum(data.data(), count);
    if (r == 0) seconds = since(t0);
    EXPECT_EQ(data[count - 1], 16.0f);
  });
  std::printf("[ring] 4 ranks, %zu MB each: %.3f s (%.2f GB/s algorithm bandwidth)\n",
              count * 4 >> 20, seconds, count * 4 / seconds / 1e9);
}
