// The rendezvous store (real/src/kv_store.hpp): every operation, concurrent clients, empty
// values, the address it binds, and what a broken or hostile connection does to it.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "kv_store.hpp"

using gemini::real::Bytes;
using gemini::real::KvClient;
using gemini::real::KvServer;

namespace {
Bytes b(const std::string& s) { return Bytes(s.begin(), s.end()); }
}  // namespace

TEST(KvStore, EveryOperation) {
  KvServer server("127.0.0.1", 0);
  ASSERT_GT(server.port(), 0);
  KvClient c("127.0.0.1", server.port(), 1000);
  EXPECT_FALSE(c.get("a").has_value());  // missing is an answer, not a wait
  c.set("a", b("1"));
  c.set("empty", {});
  ASSERT_TRUE(c.get("empty").has_value());  // an empty value exists (TCPStore 1.13 stalled on it)
  EXPECT_TRUE(c.get("empty")->empty());
  EXPECT_EQ(*c.get("a"), b("1"));
  EXPECT_TRUE(c.check({"a", "empty"}));
  EXPECT_FALSE(c.check({"a", "nope"}));
  EXPECT_EQ(c.add("n", 5), 5);
  EXPECT_EQ(c.add("n", -2), 3);
  EXPECT_EQ(*c.get("n"), b("3"));
  EXPECT_EQ(c.size(), 3);
  EXPECT_EQ(c.compare_set("cs", {}, b("x")), b("x"));     // missing + empty expected: set
  EXPECT_EQ(c.compare_set("cs", b("y"), b("z")), b("x"));  // mismatch: unchanged
  EXPECT_EQ(c.compare_set("cs", b("x"), b("z")), b("z"));
  EXPECT_TRUE(c.erase("a"));
  EXPECT_FALSE(c.erase("a"));
  EXPECT_FALSE(c.check({"a"}));
}

TEST(KvStore, ConcurrentClientsCountEveryAdd) {
  KvServer server("127.0.0.1", 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      KvClient c("127.0.0.1", server.port(), 1000);
      for (int i = 0; i < 200; ++i) c.add("count", 1);
    });
  }
  KvClient shared("127.0.0.1", server.port(), 1000);
  std::vector<std::thread> users;  // one client used by several threads at once
  for (int t = 0; t < 4; ++t) {
    users.emplace_back([&, t] { shared.set("k" + std::to_string(t), b(std::to_string(t))); });
  }
  for (auto& t : threads) t.join();
  for (auto& t : users) t.join();
  EXPECT_EQ(shared.add("count", 0), 1600);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(*shared.get("k" + std::to_string(t)), b(std::to_string(t)));
}

TEST(KvStore, BindsOnlyTheAddressGiven) {
  KvServer server("127.0.0.1", 0);
  // The listening socket is bound to loopback, not to every interface.
  KvClient c("127.0.0.1", server.port(), 1000);
  c.set("x", b("y"));
  EXPECT_THROW(KvClient("127.0.0.2", server.port(), 50), std::runtime_error);  // another address
  EXPECT_THROW(KvServer("not-an-address", 0), std::invalid_argument);
  EXPECT_THROW(KvClient("127.0.0.1", 1, 50), std::runtime_error);  // nobody there
}

TEST(KvStore, GarbageAndBrokenConnectionsLeaveTheStoreWorking) {
  KvServer server("127.0.0.1", 0);
  for (const std::string& junk : {std::string("\x09", 1), std::string("\x01\xff\xff\xff\xff", 5), std::string(64, 'z')}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server.port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL), static_cast<ssize_t>(junk.size()));
    ::close(fd);
  }
  KvClient c("127.0.0.1", server.port(), 1000);
  c.set("still", b("here"));
  EXPECT_EQ(*c.get("still"), b("here"));
}

TEST(KvStore, ClientSeesTheServerGo) {
  auto server = std::make_unique<KvServer>("127.0.0.1", 0);
  KvClient c("127.0.0.1", server->port(), 1000);
  c.set("a", b("1"));
  server.reset();
  EXPECT_THROW(c.get("a"), std::runtime_error);
}
