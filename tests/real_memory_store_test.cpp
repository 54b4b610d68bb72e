// MemoryStore: round trip, segment outlives the object, two-slot safety against torn saves
// (including a writer SIGKILLed mid-save), checksum fallback, capacity and destroy.
#include "memory_store.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "checksum.hpp"
#include "state_image.hpp"

namespace gr = gemini::real;

namespace {
std::vector<uint8_t> make_image(uint64_t iteration, size_t floats = 50000) {
  gr::ImageLayout layout = gr::plan_layout({{"model/w", gr::DType::kF32, {static_cast<int64_t>(floats)}},
                                            {"train/iteration", gr::DType::kI64, {1}}});
  std::vector<uint8_t> image(layout.total_bytes);
  auto& w = layout.tensors[0];
  for (uint64_t i = 0; i < w.nbytes; ++i) image[w.offset + i] = static_cast<uint8_t>(i * 7 + iteration);
  std::memcpy(image.data() + layout.tensors[1].offset, &iteration, 8);
  for (auto& t : layout.tensors) t.checksum = gr::xxh64(image.data() + t.offset, t.nbytes);
  gr::write_header(layout, iteration, image.data());
  return image;
}

class MemoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.job = "test-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name();
    config_.rank = 1;
    config_.slot_capacity_bytes = make_image(0).size();
    gr::MemoryStore::unlink_segment(config_);
  }
  void TearDown() override { gr::MemoryStore::unlink_segment(config_); }
  gr::MemoryStoreConfig reopen() const {
    auto c = config_;
    c.slot_capacity_bytes = 0;
    return c;
  }
  std::string shm_path() const { return "/dev/shm/gemini-" + config_.job + "-r1"; }
  gr::MemoryStoreConfig config_;
};
}  // namespace

TEST_F(MemoryStoreTest, RoundTripAndPrivateSegment) {
  gr::MemoryStore store(config_);
  gr::HostBuffer buf;
  EXPECT_FALSE(store.load_latest(buf).has_value());
  const auto image = make_image(3);
  const auto saved = store.save(image.data(), image.size());
  EXPECT_EQ(saved.iteration, 3u);
  auto loaded = store.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 3u);
  EXPECT_EQ(loaded->checksum, saved.checksum);
  EXPECT_FALSE(loaded->cold);
  EXPECT_EQ(std::memcmp(buf.data(), image.data(), image.size()), 0);
  struct stat st {};
  ASSERT_EQ(::stat(shm_path().c_str(), &st), 0) << shm_path();
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(MemoryStoreTest, SegmentOutlivesTheObject) {
  {
    gr::MemoryStore store(config_);
    const auto image = make_image(8);
    store.save(image.data(), image.size());
  }
  gr::MemoryStore again(reopen());
  gr::HostBuffer buf;
  auto loaded = again.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 8u);
}

TEST_F(MemoryStoreTest, SlotsAlternate) {
  gr::MemoryStore store(config_);
  EXPECT_EQ(store.latest_slot(), -1);
  for (uint64_t it = 1; it <= 4; ++it) {
    const auto image = make_image(it);
    store.save(image.data(), image.size());
    EXPECT_EQ(store.latest_slot(), it % 2 == 1 ? 0 : 1);
  }
}

// A new process's first two saves go into slots it has not touched; one that restored from
// its own memory has touched the restored slot, so only its first save does.
TEST_F(MemoryStoreTest, UntouchedSlotsAreThoseThisProcessHasNeitherWrittenNorRead) {
  {
    gr::MemoryStore first(config_);
    for (uint64_t it = 1; it <= 3; ++it) {
      EXPECT_EQ(first.next_save_into_untouched_slot(), it <= 2) << "save " << it;
      const auto image = make_image(it);
      first.save(image.data(), image.size());
    }
  }
  gr::MemoryStore restarted(reopen());  // latest: slot 0 (iteration 3)
  EXPECT_TRUE(restarted.next_save_into_untouched_slot());
  gr::HostBuffer buf;
  ASSERT_TRUE(restarted.load_latest(buf).has_value());  // reads slot 0
  EXPECT_TRUE(restarted.next_save_into_untouched_slot()) << "the next save goes to slot 1, not read";
  const auto four = make_image(4);
  restarted.save(four.data(), four.size());
  EXPECT_FALSE(restarted.next_save_into_untouched_slot()) << "slot 0 was read in the restore";
}

TEST_F(MemoryStoreTest, TornSaveKeepsPreviousCheckpoint) {
  gr::MemoryStore store(config_);
  const auto one = make_image(1), two = make_image(2);
  store.save(one.data(), one.size());
  int slot = -1;
  uint8_t* dst = store.begin_save(two.size(), &slot);
  std::memcpy(dst, two.data(), two.size() / 2);  // interrupted before commit
  gr::MemoryStore reader(reopen());
  gr::HostBuffer buf;
  auto loaded = reader.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 1u);
  EXPECT_EQ(std::memcmp(buf.data(), one.data(), one.size()), 0);
}

TEST_F(MemoryStoreTest, WriterKilledMidSaveKeepsPreviousCheckpoint) {
  {
    gr::MemoryStore store(config_);
    const auto one = make_image(1);
    store.save(one.data(), one.size());
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    gr::MemoryStore store(reopen());
    const auto two = make_image(2);
    int slot = -1;
    uint8_t* dst = store.begin_save(two.size(), &slot);
    std::memcpy(dst, two.data(), two.size() / 3);
    ::kill(::getpid(), SIGKILL);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  gr::MemoryStore store(reopen());
  gr::HostBuffer buf;
  auto loaded = store.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 1u);
  const auto three = make_image(3);  // the next save still works
  store.save(three.data(), three.size());
  EXPECT_EQ(store.load_latest(buf)->iteration, 3u);
}

TEST_F(MemoryStoreTest, ChecksumMismatchFallsBackThenFails) {
  gr::MemoryStore store(config_);
  const auto one = make_image(1), two = make_image(2);
  store.save(one.data(), one.size());
  store.save(two.data(), two.size());
  const uint64_t cap = store.slot_capacity_bytes();
  auto corrupt_slot = [&](int slot) {
    int fd = ::open(shm_path().c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    const off_t at = static_cast<off_t>(4096 + slot * cap + one.size() / 2);
    uint8_t b = 0;
    ASSERT_EQ(::pread(fd, &b, 1, at), 1);
    b ^= 1;
    ASSERT_EQ(::pwrite(fd, &b, 1, at), 1);
    ::close(fd);
  };
  corrupt_slot(store.latest_slot());
  gr::HostBuffer buf;
  auto loaded = store.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 1u);
  ASSERT_EQ(loaded->rejected.size(), 1u);
  EXPECT_NE(loaded->rejected[0].find("checksum mismatch"), std::string::npos) << loaded->rejected[0];
  corrupt_slot(1 - store.latest_slot());
  EXPECT_THROW(store.load_latest(buf), gr::CheckpointCorrupt);
}

TEST_F(MemoryStoreTest, ImageLargerThanSlotRejected) {
  gr::MemoryStore store(config_);
  const auto big = make_image(1, 200000);
  EXPECT_THROW(store.save(big.data(), big.size()), std::runtime_error);
  auto bigger = config_;
  bigger.slot_capacity_bytes = big.size();
  EXPECT_THROW(gr::MemoryStore{bigger}, std::runtime_error);  // existing segment too small
}

// Two slots bigger than the memory left on the host are refused when the segment is made
// (before training), with the reason, and nothing is left behind.
TEST_F(MemoryStoreTest, MoreThanTheAvailableMemoryIsRefusedUpFront) {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  while (meminfo >> key >> kib && key != "MemAvailable:") meminfo.ignore(64, '\n');
  if (key != "MemAvailable:") GTEST_SKIP() << "no MemAvailable in /proc/meminfo";
  auto c = config_;
  c.slot_capacity_bytes = kib * 1024;  // two of them cannot fit
  if (c.slot_capacity_bytes > gr::MemoryStore::kMaxSlotBytes) GTEST_SKIP() << "more than 1 TiB available";
  try {
    gr::MemoryStore store(c);
    FAIL() << "two slots of MemAvailable each were reserved";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("MemAvailable"), std::string::npos) << e.what();
  }
  EXPECT_NE(::access(shm_path().c_str(), F_OK), 0) << "the refused segment was left behind";
  c.slot_capacity_bytes = gr::MemoryStore::kMaxSlotBytes + 1;  // a size no image has
  EXPECT_THROW(gr::MemoryStore{c}, std::invalid_argument);
}

// A segment whose header claims slots larger than the segment (corruption, or another program's
// file under our name) is refused instead of being mapped past its end.
TEST_F(MemoryStoreTest, HeaderClaimingMoreThanTheSegmentIsCorrupt) {
  {
    gr::MemoryStore store(config_);
    const auto image = make_image(3);
    store.save(image.data(), image.size());
  }
  const int fd = ::open(shm_path().c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  const uint64_t huge = uint64_t{1} << 39;
  ASSERT_EQ(::pwrite(fd, &huge, sizeof huge, 16), static_cast<ssize_t>(sizeof huge));  // slot_capacity
  ::close(fd);
  EXPECT_THROW(gr::MemoryStore{reopen()}, gr::CheckpointCorrupt);
}

TEST_F(MemoryStoreTest, DestroyUnlinksSegment) {
  gr::MemoryStore store(config_);
  const auto image = make_image(1);
  store.save(image.data(), image.size());
  store.destroy();
  EXPECT_NE(::access(shm_path().c_str(), F_OK), 0);
  EXPECT_THROW(gr::MemoryStore{reopen()}, std::system_error);
}

TEST_F(MemoryStoreTest, DirectoryBackedSegment) {
  auto c = config_;
  c.dir = ::testing::TempDir();
  gr::MemoryStore store(c);
  const auto image = make_image(6);
  store.save(image.data(), image.size());
  gr::HostBuffer buf;
  EXPECT_EQ(store.load_latest(buf)->iteration, 6u);
  store.destroy();
}
