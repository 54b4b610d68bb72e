// Training-state image format: layout, header round trip, corruption detection.
#include "state_image.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "checksum.hpp"

namespace gr = gemini::real;

namespace {
std::vector<uint8_t> make_image(uint64_t iteration, uint8_t fill, gr::ImageLayout* out = nullptr) {
  gr::ImageLayout layout = gr::plan_layout({{"model/w", gr::DType::kF32, {3, 5}},
                                            {"optim/step", gr::DType::kI64, {1}},
                                            {"rng/cpu", gr::DType::kU8, {13}}});
  std::vector<uint8_t> image(layout.total_bytes, 0xAB);  // gaps must get zeroed by write_header
  for (auto& t : layout.tensors) {
    for (uint64_t i = 0; i < t.nbytes; ++i) image[t.offset + i] = static_cast<uint8_t>(fill + i);
    t.checksum = gr::xxh64(image.data() + t.offset, t.nbytes);
  }
  gr::write_header(layout, iteration, image.data());
  if (out) *out = layout;
  return image;
}
}  // namespace

TEST(StateImage, LayoutIsAligned) {
  gr::ImageLayout layout;
  auto image = make_image(7, 1, &layout);
  EXPECT_EQ(layout.header_bytes % gr::kImageAlign, 0u);
  for (const auto& t : layout.tensors) EXPECT_EQ(t.offset % gr::kImageAlign, 0u);
  EXPECT_EQ(layout.tensors[0].nbytes, 60u);
  EXPECT_EQ(layout.tensors[1].nbytes, 8u);
  EXPECT_EQ(layout.tensors[2].nbytes, 13u);
  EXPECT_EQ(image.size(), layout.total_bytes);
}

TEST(StateImage, HeaderRoundTrip) {
  gr::ImageLayout layout;
  auto image = make_image(42, 9, &layout);
  const gr::ImageInfo info = gr::verify_image(image.data(), image.size());
  EXPECT_EQ(info.iteration, 42u);
  EXPECT_EQ(info.total_bytes, image.size());
  ASSERT_EQ(info.tensors.size(), 3u);
  EXPECT_EQ(info.tensors[0].name, "model/w");
  EXPECT_EQ(info.tensors[0].shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(info.tensors[2].dtype, gr::DType::kU8);
  EXPECT_EQ(info.tensors[1].checksum, layout.tensors[1].checksum);
  // Gaps between tensors are zero, so equal states give byte-identical images.
  EXPECT_EQ(image[layout.tensors[2].offset + 13], 0);
  EXPECT_EQ(make_image(42, 9), image);
}

TEST(StateImage, PayloadCorruptionNamesTheTensor) {
  gr::ImageLayout layout;
  auto image = make_image(1, 3, &layout);
  image[layout.tensors[2].offset + 5] ^= 1;
  try {
    gr::verify_image(image.data(), image.size());
    FAIL() << "corruption not detected";
  } catch (const gr::ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("rng/cpu"), std::string::npos) << e.what();
  }
}

TEST(StateImage, HeaderCorruptionDetected) {
  auto image = make_image(1, 3);
  image[32] ^= 1;  // iteration field
  EXPECT_THROW(gr::parse_header(image.data(), image.size()), gr::ImageError);
  auto bad_magic = make_image(1, 3);
  bad_magic[0] = 'X';
  EXPECT_THROW(gr::parse_header(bad_magic.data(), bad_magic.size()), gr::ImageError);
}

TEST(StateImage, TruncationDetected) {
  auto image = make_image(1, 3);
  EXPECT_THROW(gr::verify_image(image.data(), image.size() - 1), gr::ImageError);
  EXPECT_THROW(gr::parse_header(image.data(), 20), gr::ImageError);
}
