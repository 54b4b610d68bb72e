// real/'s NCCL wrapper (nccl_comm.hpp) as far as a host without a GPU can check it: the unique
// id's text form, a clear refusal instead of a hang when there is no device (or no NCCL), and
// gemini-nccl-check's answer. On a host with a GPU and NCCL the same test runs a real exchange of
// one rank with itself, in several chunks, and checks every byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "hex_text.hpp"
#include "local_rendezvous.hpp"
#include "nccl_comm.hpp"

namespace gr = gemini::real;

TEST(HexText, RoundTripsEveryByteAndRejectsOtherText) {
  std::vector<uint8_t> all(256);
  std::iota(all.begin(), all.end(), 0);
  const std::string text = gr::hex_encode(all.data(), all.size());
  EXPECT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 6), "000102");
  EXPECT_EQ(gr::hex_decode(text), all);
  EXPECT_THROW(gr::hex_decode("abc"), std::invalid_argument);   // odd length
  EXPECT_THROW(gr::hex_decode("0g"), std::invalid_argument);    // not hex
  EXPECT_THROW(gr::hex_decode("AB"), std::invalid_argument);    // upper case is not what we write
  EXPECT_TRUE(gr::hex_decode("").empty());
}

namespace {
bool has_gpu() { return std::filesystem::exists("/dev/nvidiactl"); }
}  // namespace

TEST(NcclComm, SelfExchangeOnAGpuElseAClearRefusal) {
  const std::string what = gr::NcclComm::describe();
  EXPECT_EQ(gr::NcclComm::compiled(), what.rfind("NCCL ", 0) == 0) << what;
  gr::LocalRendezvous store;
  gr::NcclConfig c;
  c.prefix = "t";
  c.timeout = std::chrono::seconds(30);
  c.chunk_bytes = 1000;  // 10,007 bytes: 11 chunks, the last one short
  if (!gr::NcclComm::compiled() || !has_gpu()) {
    try {
      gr::NcclComm comm(c, store.view());
      FAIL() << "an NCCL communicator started without " << (gr::NcclComm::compiled() ? "a GPU" : "NCCL");
    } catch (const std::exception& e) {
      const std::string why = e.what();
      EXPECT_TRUE(why.find("cuda") != std::string::npos || why.find("NCCL") != std::string::npos) << why;
    }
    return;
  }
  gr::NcclComm comm(c, store.view());
  std::vector<uint8_t> out(10007), in(10007, 0);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  const std::vector<gr::NcclHostSend> sends{{0, out.data(), out.size()}};
  EXPECT_EQ(comm.exchange_sizes(sends, {0}), std::vector<uint64_t>({out.size()}));
  comm.exchange(sends, {{0, in.data(), in.size()}});
  EXPECT_EQ(in, out);
  comm.barrier();
}

#ifdef GEMINI_NCCL_CHECK
TEST(NcclCheckCommand, PassesOnAGpuElseSaysThereIsNone) {
  const auto r = gemini::test::run_command(GEMINI_NCCL_CHECK, "--mib 8 --chunk-mib 3 --reps 2");
  if (has_gpu()) {
    EXPECT_EQ(r.code, 0) << r.output;
    EXPECT_NE(r.output.find("NCCL check passed"), std::string::npos) << r.output;
  } else {
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("no CUDA device"), std::string::npos) << r.output;
  }
  const auto bad = gemini::test::run_command(GEMINI_NCCL_CHECK, "--mib 0");
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.output.find("--mib"), std::string::npos) << bad.output;
}
#endif
