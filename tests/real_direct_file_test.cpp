// OutputFile / InputFile: whole files round-trip byte for byte whatever their size (the direct
// path writes a padded tail block and truncates it away), direct where the file system allows
// it, and buffered (still correct) where the buffer or the file system does not allow it.
#include "direct_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "environment.hpp"

namespace gr = gemini::real;
namespace fs = std::filesystem;

namespace {

struct Free {
  void operator()(uint8_t* p) const { std::free(p); }
};
using Block = std::unique_ptr<uint8_t, Free>;

Block aligned_bytes(size_t bytes, uint8_t seed) {
  Block b(static_cast<uint8_t*>(std::aligned_alloc(gr::kDirectAlignment, gr::direct_capacity(bytes + 1))));
  for (size_t i = 0; i < bytes; ++i) b.get()[i] = static_cast<uint8_t>(i * 131 + seed + (i >> 12));
  return b;
}

class DirectFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("gemini-direct-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // Direct I/O is expected where the file system is one we know supports it.
  bool direct_expected() const {
    const std::string t = gr::filesystem_type(dir_.string());
    return t == "ext4" || t == "xfs";
  }
  fs::path dir_;
};

}  // namespace

TEST_F(DirectFileTest, EverySizeRoundTripsExactly) {
  for (size_t bytes : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, size_t{4097}, size_t{3 << 20} + 77,
                       (size_t{64} << 20) + 4096 + 9}) {
    SCOPED_TRACE(bytes);
    const std::string path = (dir_ / ("f" + std::to_string(bytes))).string();
    const Block src = aligned_bytes(bytes, 7);
    gr::OutputFile out(path, 0600);
    out.write_all(src.get(), bytes);
    out.sync();
    out.close();
    if (direct_expected()) {
      EXPECT_EQ(out.io(), gr::FileIo::direct);
    }
    EXPECT_EQ(fs::file_size(path), bytes) << "the padding of the tail block was not truncated";
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    auto in = gr::InputFile::open(path);
    ASSERT_TRUE(in.has_value());
    EXPECT_EQ(in->size(), bytes);
    Block dst = aligned_bytes(bytes, 99);  // different content, so a missed byte shows
    EXPECT_EQ(in->read_all(dst.get(), bytes, gr::direct_capacity(bytes)), bytes);
    if (direct_expected()) {
      EXPECT_EQ(in->io(), gr::FileIo::direct);
    }
    EXPECT_EQ(std::memcmp(dst.get(), src.get(), bytes), 0);
  }
}

TEST_F(DirectFileTest, UnalignedBuffersFallBackToBufferedAndStayCorrect) {
  const size_t bytes = (size_t{1} << 20) + 123;
  const Block src = aligned_bytes(bytes + 1, 3);
  const std::string path = (dir_ / "unaligned").string();
  gr::OutputFile out(path, 0600);
  out.write_all(src.get() + 1, bytes);  // one byte off alignment
  out.close();
  EXPECT_EQ(out.io(), gr::FileIo::buffered);
  EXPECT_EQ(fs::file_size(path), bytes);

  auto in = gr::InputFile::open(path);
  ASSERT_TRUE(in.has_value());
  Block dst = aligned_bytes(bytes + 1, 50);
  // Room for the bytes but not for the rounded-up block: a direct read could overrun it.
  EXPECT_EQ(in->read_all(dst.get(), bytes, bytes), bytes);
  EXPECT_EQ(in->io(), gr::FileIo::buffered);
  EXPECT_EQ(std::memcmp(dst.get(), src.get() + 1, bytes), 0);
}

TEST_F(DirectFileTest, BufferedWhenNotAskedFor) {
  const size_t bytes = 10000;
  const Block src = aligned_bytes(bytes, 1);
  const std::string path = (dir_ / "buffered").string();
  gr::OutputFile out(path, 0600, /*try_direct=*/false);
  out.write_all(src.get(), bytes);
  out.close();
  EXPECT_EQ(out.io(), gr::FileIo::buffered);
  auto in = gr::InputFile::open(path, /*try_direct=*/false);
  Block dst = aligned_bytes(bytes, 2);
  EXPECT_EQ(in->read_all(dst.get(), bytes, gr::direct_capacity(bytes)), bytes);
  EXPECT_EQ(in->io(), gr::FileIo::buffered);
  EXPECT_EQ(std::memcmp(dst.get(), src.get(), bytes), 0);
}

TEST_F(DirectFileTest, ReadStopsAtEndOfFileAndMissingFileIsNullopt) {
  EXPECT_FALSE(gr::InputFile::open((dir_ / "absent").string()).has_value());
  const size_t bytes = 5000;
  const Block src = aligned_bytes(bytes, 4);
  const std::string path = (dir_ / "short").string();
  gr::OutputFile out(path, 0600);
  out.write_all(src.get(), bytes);
  out.close();
  auto in = gr::InputFile::open(path);
  Block dst = aligned_bytes(3 * bytes, 5);
  EXPECT_EQ(in->read_all(dst.get(), 3 * bytes, gr::direct_capacity(3 * bytes)), bytes);
}

TEST_F(DirectFileTest, ErrorsNameTheFile) {
  const std::string path = (dir_ / "no-such-dir" / "f").string();
  try {
    gr::OutputFile out(path, 0600);
    FAIL() << "opened a file in a missing directory";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

// The memory HostBuffer gives images: block-aligned when small; 2 MiB-aligned from 2 MiB up and
// advised to transparent huge pages, which the kernel then uses (or, out of free huge pages,
// records a fallback) wherever THP is not off.
namespace {

std::string thp_mode() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(f, line);
  const auto open = line.find('['), close = line.find(']');
  return open == std::string::npos || close == std::string::npos ? "" : line.substr(open + 1, close - open - 1);
}

uint64_t vmstat(const std::string& key) {
  std::ifstream f("/proc/vmstat");
  std::string k;
  uint64_t v = 0;
  while (f >> k >> v)
    if (k == key) return v;
  return 0;
}

// AnonHugePages (KiB) of the mapping that holds `p`, from /proc/self/smaps.
uint64_t anon_huge_kib_at(const void* p) {
  std::ifstream f("/proc/self/smaps");
  std::string line;
  bool inside = false;
  const auto addr = reinterpret_cast<uintptr_t>(p);
  while (std::getline(f, line)) {
    unsigned long lo = 0, hi = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &lo, &hi) == 2 && line.find(':') > line.find(' ')) {
      inside = addr >= lo && addr < hi;
    } else if (inside && line.rfind("AnonHugePages:", 0) == 0) {
      return std::stoull(line.substr(14));
    }
  }
  return 0;
}

}  // namespace

TEST(DirectIoMemory, AlignedForDirectIoAndHugePagesWhenLarge) {
  const Block small(gr::allocate_direct_io_memory(100));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.get()) % gr::kDirectAlignment, 0u);
  std::memset(small.get(), 1, gr::direct_capacity(100));  // the whole block is usable

  const size_t bytes = (size_t{8} << 20) + 1;
  const uint64_t fallbacks_before = vmstat("thp_fault_fallback");
  const Block large(gr::allocate_direct_io_memory(bytes));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(large.get()) % (size_t{2} << 20), 0u);
  std::memset(large.get(), 1, gr::direct_capacity(bytes));
  const std::string mode = thp_mode();
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator maps memory its own way";
#endif
  if (mode != "always" && mode != "madvise") GTEST_SKIP() << "transparent huge pages are '" << mode << "' here";
  EXPECT_TRUE(anon_huge_kib_at(large.get()) > 0 || vmstat("thp_fault_fallback") > fallbacks_before)
      << "8 MiB advised to huge pages got none, and the kernel recorded no fallback";
}
