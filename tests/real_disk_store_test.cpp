// DiskStore: round trip, atomic replace via tmp + rename, leftover tmp ignored, corruption found.
#include "disk_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "checksum.hpp"
#include "direct_file.hpp"
#include "environment.hpp"
#include "state_image.hpp"

namespace gr = gemini::real;
namespace fs = std::filesystem;

namespace {
std::vector<uint8_t> make_image(uint64_t iteration, size_t floats = 100000) {
  gr::ImageLayout layout = gr::plan_layout({{"model/w", gr::DType::kF32, {static_cast<int64_t>(floats)}}});
  std::vector<uint8_t> image(layout.total_bytes);
  auto& t = layout.tensors[0];
  for (uint64_t i = 0; i < t.nbytes; ++i) image[t.offset + i] = static_cast<uint8_t>(i * 31 + iteration);
  t.checksum = gr::xxh64(image.data() + t.offset, t.nbytes);
  gr::write_header(layout, iteration, image.data());
  return image;
}

class DiskStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("gemini-disk-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  gr::DiskStore store() { return gr::DiskStore({dir_.string(), "job", 3, true}); }
  fs::path dir_;
};

void flip_byte(const std::string& path, off_t offset) {
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  uint8_t b = 0;
  ASSERT_EQ(::pread(fd, &b, 1, offset), 1);
  b ^= 0x40;
  ASSERT_EQ(::pwrite(fd, &b, 1, offset), 1);
  ::close(fd);
}
}  // namespace

TEST_F(DiskStoreTest, NothingSavedYet) {
  auto s = store();
  gr::HostBuffer buf;
  EXPECT_FALSE(s.load_latest(buf).has_value());
}

TEST_F(DiskStoreTest, RoundTripIsDurableFileAndCold) {
  auto s = store();
  const auto image = make_image(5);
  const gr::SaveResult saved = s.save(image.data(), image.size());
  EXPECT_EQ(saved.iteration, 5u);
  EXPECT_EQ(saved.bytes, image.size());
  EXPECT_TRUE(fs::exists(s.path()));
  EXPECT_FALSE(fs::exists(s.tmp_path()));
  EXPECT_EQ(s.path(), (dir_ / "job-r3.ckpt").string());
  struct stat st {};
  ASSERT_EQ(::stat(s.path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  gr::HostBuffer buf;
  auto loaded = s.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 5u);
  EXPECT_EQ(loaded->checksum, saved.checksum);
  ASSERT_EQ(loaded->bytes, image.size());
  EXPECT_EQ(std::memcmp(buf.data(), image.data(), image.size()), 0);
  const std::string fstype = gr::filesystem_type(dir_.string());
  if (fstype == "ext4" || fstype == "xfs") {
    EXPECT_TRUE(loaded->cold) << "page cache not dropped on " << fstype;
  }
}

// A page-aligned image (what the trainer's HostBuffer holds) goes to disk and back with
// O_DIRECT where the file system allows it; an odd size keeps its exact length.
TEST_F(DiskStoreTest, AlignedImageUsesDirectIoAndReadsCold) {
  const auto image = make_image(7, 123457);
  gr::HostBuffer aligned;
  aligned.ensure(image.size());
  std::memcpy(aligned.data(), image.data(), image.size());
  auto s = store();
  const gr::SaveResult saved = s.save(aligned.data(), image.size());
  EXPECT_EQ(fs::file_size(s.path()), image.size());
  // A buffer made for the image (as the trainer makes it) already holds the whole last block:
  // the direct read does not regrow it (which a recovery would time as retrieval).
  gr::HostBuffer buf;
  buf.ensure(image.size());
  EXPECT_EQ(buf.capacity() % gr::kDirectAlignment, 0u);
  const uint8_t* before = buf.data();
  const auto loaded = s.load_latest(buf);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(buf.data(), before);
  EXPECT_EQ(loaded->checksum, saved.checksum);
  EXPECT_EQ(std::memcmp(buf.data(), image.data(), image.size()), 0);
  const std::string fstype = gr::filesystem_type(dir_.string());
  if (fstype == "ext4" || fstype == "xfs") {
    EXPECT_TRUE(saved.direct_io) << fstype;
    EXPECT_TRUE(loaded->direct_io) << fstype;
    EXPECT_TRUE(loaded->cold) << fstype;
  }
}

// With direct I/O off, the buffered path still drops the page cache and reads cold.
TEST_F(DiskStoreTest, BufferedStoreStillReadsCold) {
  gr::DiskStoreConfig c{dir_.string(), "job", 3, true};
  c.direct_io = false;
  gr::DiskStore s(c);
  const auto image = make_image(8);
  gr::HostBuffer aligned;
  aligned.ensure(image.size());
  std::memcpy(aligned.data(), image.data(), image.size());
  EXPECT_FALSE(s.save(aligned.data(), image.size()).direct_io);
  gr::HostBuffer buf;
  const auto loaded = s.load_latest(buf);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->direct_io);
  EXPECT_EQ(std::memcmp(buf.data(), image.data(), image.size()), 0);
  const std::string fstype = gr::filesystem_type(dir_.string());
  if (fstype == "ext4" || fstype == "xfs") {
    EXPECT_TRUE(loaded->cold) << "page cache not dropped on " << fstype;
  }
}

TEST_F(DiskStoreTest, LeftoverTmpFileIsIgnoredAndReplaced) {
  auto s = store();
  const auto one = make_image(1);
  s.save(one.data(), one.size());
  {  // a save that died after writing part of its tmp file
    std::ofstream tmp(s.tmp_path(), std::ios::binary);
    tmp << "half a checkpoint";
  }
  gr::HostBuffer buf;
  auto loaded = s.load_latest(buf);
  ASSERT_TRUE(loaded.has_value());
  EXPECT_EQ(loaded->iteration, 1u);

  const auto two = make_image(2);
  s.save(two.data(), two.size());
  EXPECT_FALSE(fs::exists(s.tmp_path()));
  loaded = s.load_latest(buf);
  EXPECT_EQ(loaded->iteration, 2u);
}

// A full disk, for real: /dev/full fails every write with ENOSPC. The save in progress is
// pointed at it through its temporary name; the error names the file and the cause, the partial
// file is gone, and the previous checkpoint still loads.
TEST_F(DiskStoreTest, FullDiskFailsTheSaveAndKeepsThePreviousCheckpoint) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto s = store();
  const auto one = make_image(1);
  s.save(one.data(), one.size());
  fs::create_symlink("/dev/full", s.tmp_path());
  const auto two = make_image(2);
  try {
    s.save(two.data(), two.size());
    FAIL() << "a save to a full disk succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOSPC) << e.what();
    EXPECT_NE(std::string(e.what()).find(s.tmp_path()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(fs::symlink_status(s.tmp_path()))) << "the failed save's file was left behind";
  gr::HostBuffer buf;
  const auto loaded = s.load_latest(buf);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->iteration, 1u);
  // The next save, with space again, works.
  s.save(two.data(), two.size());
  EXPECT_EQ(s.load_latest(buf)->iteration, 2u);
}

TEST_F(DiskStoreTest, NewerSaveReplacesOlder) {
  auto s = store();
  for (uint64_t it : {10u, 20u, 30u}) {
    const auto image = make_image(it);
    s.save(image.data(), image.size());
  }
  gr::HostBuffer buf;
  EXPECT_EQ(s.load_latest(buf)->iteration, 30u);
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir_)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);
}

TEST_F(DiskStoreTest, ChecksumMismatchDetected) {
  auto s = store();
  const auto image = make_image(4);
  s.save(image.data(), image.size());
  flip_byte(s.path(), static_cast<off_t>(image.size() / 2));
  gr::HostBuffer buf;
  EXPECT_THROW(s.load_latest(buf), gr::CheckpointCorrupt);
}

TEST_F(DiskStoreTest, TruncatedFileDetected) {
  auto s = store();
  const auto image = make_image(4);
  s.save(image.data(), image.size());
  fs::resize_file(s.path(), image.size() - 100);
  gr::HostBuffer buf;
  EXPECT_THROW(s.load_latest(buf), gr::CheckpointCorrupt);
}

TEST_F(DiskStoreTest, DestroyRemovesFiles) {
  auto s = store();
  const auto image = make_image(4);
  s.save(image.data(), image.size());
  s.destroy();
  gr::HostBuffer buf;
  EXPECT_FALSE(s.load_latest(buf).has_value());
}
