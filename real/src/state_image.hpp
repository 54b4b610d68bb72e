// The training-state image: one contiguous byte buffer (header + tensor table + aligned tensor
// data) that every checkpoint strategy saves and loads unchanged.
//
// Layout (little-endian):
//   0  char[8] magic "GEMINICK"      8  u32 version        12 u32 tensor_count
//   16 u64 header_bytes              24 u64 total_bytes    32 u64 iteration
//   40 u64 image_checksum: XXH64 of bytes [0, header_bytes) with this field zero. The table holds
//      each tensor's own XXH64, so this one value covers the whole image.
//   48 entries: u16 name_len, name, u8 dtype, u8 ndim, i64 shape[ndim], u64 offset, u64 nbytes,
//      u64 checksum. Tensor data starts at `offset` (64-byte aligned); gaps are zero.
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace gemini::real {

constexpr uint32_t kImageVersion = 1;
constexpr size_t kImageAlign = 64;

enum class DType : uint8_t { kF32 = 1, kF16 = 2, kBF16 = 3, kF64 = 4, kI64 = 5, kI32 = 6, kU8 = 7 };
size_t dtype_bytes(DType dtype);
const char* dtype_name(DType dtype);

struct TensorEntry {
  std::string name;
  DType dtype = DType::kF32;
  std::vector<int64_t> shape;
  uint64_t offset = 0;    // from the start of the image
  uint64_t nbytes = 0;
  uint64_t checksum = 0;  // XXH64 of the tensor's bytes
};

struct ImageLayout {
  uint64_t header_bytes = 0;
  uint64_t total_bytes = 0;
  std::vector<TensorEntry> tensors;
};

// What a header says about an image.
struct ImageInfo {
  uint32_t version = 0;
  uint64_t header_bytes = 0;
  uint64_t total_bytes = 0;
  uint64_t iteration = 0;
  uint64_t checksum = 0;
  std::vector<TensorEntry> tensors;
};

// A header or tensor that fails its checks: bad magic or version, truncated, checksum mismatch.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Places the tensors (name, dtype, shape given; offsets and nbytes filled in) after the header.
ImageLayout plan_layout(std::vector<TensorEntry> tensors);

// Writes the header of an image whose tensor data and per-tensor checksums are already in place
// (layout.tensors[i].checksum set). Zeroes the alignment gaps. Returns the image checksum.
uint64_t write_header(const ImageLayout& layout, uint64_t iteration, uint8_t* image);

// Reads and checks a header (magic, version, header checksum, offsets within total_bytes).
// `available` is how many bytes of the image are readable at `image`; throws ImageError.
ImageInfo parse_header(const uint8_t* image, size_t available);

// Checks every tensor's checksum; throws ImageError naming the first bad tensor.
void verify_tensors(const uint8_t* image, const ImageInfo& info);

// parse_header + verify_tensors; also checks that `bytes` equals the header's total_bytes.
ImageInfo verify_image(const uint8_t* image, size_t bytes);

}  // namespace gemini::real
