// The calibrate benchmarks' read buffers (calibrate/src/buffer.hpp): an UntouchedBuffer has no
// page in memory until it is written, even right after another one of the same size was
// written and freed, and it is aligned like real/'s direct-I/O memory. A resident
// LandingBuffer (where the retrieval benchmarks read by default) is in memory before any read,
// as a restarted rank's HostBuffer is (real::allocate_plain_host writes it when the rank
// starts); a pre-faulted buffer too. Residency via mincore(2).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "buffer.hpp"

namespace detail = gemini::calibrate::detail;

namespace {

// Pages of [p, p + bytes) resident in memory, and how many pages that is.
std::pair<size_t, size_t> resident_pages(const char* p, uint64_t bytes) {
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t start = reinterpret_cast<uintptr_t>(p) / page * page;
  const size_t pages = (reinterpret_cast<uintptr_t>(p) + bytes - start + page - 1) / page;
  std::vector<unsigned char> in_core(pages);
  EXPECT_EQ(::mincore(reinterpret_cast<void*>(start), pages * page, in_core.data()), 0);
  size_t resident = 0;
  for (unsigned char c : in_core) resident += c & 1;
  return {resident, pages};
}

constexpr uint64_t kBytes = 6ull << 20;

}  // namespace

TEST(calibrate_buffer_test, untouched_buffer_is_not_resident_until_written) {
  const detail::UntouchedBuffer b(kBytes);
  EXPECT_EQ(resident_pages(b.get(), kBytes).first, 0u);
  std::memset(b.get(), 1, kBytes);
  const auto [resident, pages] = resident_pages(b.get(), kBytes);
  EXPECT_EQ(resident, pages);
}

TEST(calibrate_buffer_test, a_freed_buffer_does_not_come_back_faulted) {
  for (int round = 0; round < 3; ++round) {
    const detail::UntouchedBuffer b(kBytes);
    EXPECT_EQ(resident_pages(b.get(), kBytes).first, 0u) << "round " << round;
    std::memset(b.get(), 2, kBytes);
  }
}

TEST(calibrate_buffer_test, aligned_like_direct_io_memory) {
  const detail::UntouchedBuffer big(kBytes), small(64 << 10);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big.get()) % (2u << 20), 0u);  // huge-page aligned from 2 MiB
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small.get()) % 4096, 0u);
  std::memset(big.get(), 3, gemini::real::direct_capacity(kBytes));  // the whole capacity is mapped
}

TEST(calibrate_buffer_test, landing_buffer_is_resident_like_a_ranks_unless_untouched) {
  for (int round = 0; round < 2; ++round) {  // also right after one of the same size was freed
    const detail::LandingBuffer resident(kBytes, true), untouched(kBytes, false);
    const auto [in_memory, pages] = resident_pages(resident.get(), kBytes);
    EXPECT_EQ(in_memory, pages) << "round " << round;
    EXPECT_EQ(resident_pages(untouched.get(), kBytes).first, 0u) << "round " << round;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(resident.get()) % (2u << 20), 0u);  // laid out like direct-I/O memory
  }
}

// Over repeated retrievals: a resident slot keeps its one written buffer, an untouched one gives
// memory no page of which is in memory yet, every time.
TEST(calibrate_buffer_test, landing_slot_keeps_a_resident_buffer_or_maps_afresh) {
  detail::LandingSlot resident(kBytes, true), untouched(kBytes, false);
  char* first = resident.acquire(kBytes);
  for (int round = 0; round < 3; ++round) {
    char* r = resident.acquire(kBytes);
    EXPECT_EQ(r, first) << "round " << round;
    const auto [in_memory, pages] = resident_pages(r, kBytes);
    EXPECT_EQ(in_memory, pages) << "round " << round;
    resident.release();
    char* u = untouched.acquire(kBytes);
    EXPECT_EQ(resident_pages(u, kBytes).first, 0u) << "round " << round;
    std::memset(u, 4, kBytes);  // what a retrieval writes
    untouched.release();
  }
}

TEST(calibrate_buffer_test, prefaulted_buffer_is_resident_from_the_start) {
  const detail::HostBuffer b = detail::make_direct_io_buffer(kBytes, 7);
  const auto [resident, pages] = resident_pages(b.get(), kBytes);
  EXPECT_EQ(resident, pages);
}
