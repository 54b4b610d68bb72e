// Encoding, decoding and verification of training-state images.
#include "state_image.hpp"

#include <cstring>

#include "checksum.hpp"

namespace gemini::real {
namespace {

constexpr char kMagic[8] = {'G', 'E', 'M', 'I', 'N', 'I', 'C', 'K'};
constexpr size_t kFixedHeader = 48;
constexpr size_t kChecksumField = 40;

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

size_t entry_bytes(const TensorEntry& t) {
  return 2 + t.name.size() + 1 + 1 + 8 * t.shape.size() + 8 + 8 + 8;
}

template <typename T>
void put(uint8_t*& p, T v) {
  std::memcpy(p, &v, sizeof(T));
  p += sizeof(T);
}

class Reader {
 public:
  Reader(const uint8_t* base, size_t size, size_t pos) : base_(base), size_(size), pos_(pos) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, base_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::string str(size_t n) {
    need(n);
    std::string s(reinterpret_cast<const char*>(base_ + pos_), n);
    pos_ += n;
    return s;
  }
  size_t pos() const { return pos_; }

 private:
  void need(size_t n) {
    if (pos_ + n > size_) throw ImageError("image header truncated");
  }
  const uint8_t* base_;
  size_t size_;
  size_t pos_;
};

bool valid_dtype(uint8_t d) { return d >= 1 && d <= 7; }

}  // namespace

size_t dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::kF32: return 4;
    case DType::kF16: return 2;
    case DType::kBF16: return 2;
    case DType::kF64: return 8;
    case DType::kI64: return 8;
    case DType::kI32: return 4;
    case DType::kU8: return 1;
  }
  throw ImageError("unknown dtype");
}

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kF32: return "f32";
    case DType::kF16: return "f16";
    case DType::kBF16: return "bf16";
    case DType::kF64: return "f64";
    case DType::kI64: return "i64";
    case DType::kI32: return "i32";
    case DType::kU8: return "u8";
  }
  return "?";
}

ImageLayout plan_layout(std::vector<TensorEntry> tensors) {
  ImageLayout layout;
  uint64_t header = kFixedHeader;
  for (const auto& t : tensors) {
    if (t.name.size() > 0xFFFF) throw ImageError("tensor name too long: " + t.name);
    if (t.shape.size() > 0xFF) throw ImageError("too many dimensions: " + t.name);
    header += entry_bytes(t);
  }
  layout.header_bytes = align_up(header, kImageAlign);
  uint64_t offset = layout.header_bytes;
  for (auto& t : tensors) {
    uint64_t elements = 1;
    for (int64_t d : t.shape) {
      if (d < 0) throw ImageError("negative dimension: " + t.name);
      elements *= static_cast<uint64_t>(d);
    }
    t.nbytes = elements * dtype_bytes(t.dtype);
    t.offset = offset;
    offset = align_up(offset + t.nbytes, kImageAlign);
  }
  layout.total_bytes = offset;
  layout.tensors = std::move(tensors);
  return layout;
}

uint64_t write_header(const ImageLayout& layout, uint64_t iteration, uint8_t* image) {
  uint8_t* p = image;
  std::memcpy(p, kMagic, 8);
  p += 8;
  put<uint32_t>(p, kImageVersion);
  put<uint32_t>(p, static_cast<uint32_t>(layout.tensors.size()));
  put<uint64_t>(p, layout.header_bytes);
  put<uint64_t>(p, layout.total_bytes);
  put<uint64_t>(p, iteration);
  put<uint64_t>(p, 0);  // checksum, filled below
  for (const auto& t : layout.tensors) {
    put<uint16_t>(p, static_cast<uint16_t>(t.name.size()));
    std::memcpy(p, t.name.data(), t.name.size());
    p += t.name.size();
    put<uint8_t>(p, static_cast<uint8_t>(t.dtype));
    put<uint8_t>(p, static_cast<uint8_t>(t.shape.size()));
    for (int64_t d : t.shape) put<int64_t>(p, d);
    put<uint64_t>(p, t.offset);
    put<uint64_t>(p, t.nbytes);
    put<uint64_t>(p, t.checksum);
  }
  std::memset(p, 0, image + layout.header_bytes - p);
  for (size_t i = 0; i < layout.tensors.size(); ++i) {  // zero alignment gaps after each tensor
    const auto& t = layout.tensors[i];
    const uint64_t next =
        i + 1 < layout.tensors.size() ? layout.tensors[i + 1].offset : layout.total_bytes;
    std::memset(image + t.offset + t.nbytes, 0, next - t.offset - t.nbytes);
  }
  const uint64_t sum = xxh64(image, layout.header_bytes);
  std::memcpy(image + kChecksumField, &sum, 8);
  return sum;
}

ImageInfo parse_header(const uint8_t* image, size_t available) {
  if (available < kFixedHeader) throw ImageError("image shorter than its fixed header");
  if (std::memcmp(image, kMagic, 8) != 0) throw ImageError("bad image magic");
  Reader r(image, available, 8);
  ImageInfo info;
  info.version = r.get<uint32_t>();
  if (info.version != kImageVersion) {
    throw ImageError("unsupported image version " + std::to_string(info.version));
  }
  const uint32_t count = r.get<uint32_t>();
  info.header_bytes = r.get<uint64_t>();
  info.total_bytes = r.get<uint64_t>();
  info.iteration = r.get<uint64_t>();
  info.checksum = r.get<uint64_t>();
  if (info.header_bytes > available || info.header_bytes < kFixedHeader ||
      info.header_bytes > info.total_bytes) {
    throw ImageError("image header size out of range");
  }
  // Recompute the header checksum with the checksum field zeroed.
  std::vector<uint8_t> copy(image, image + info.header_bytes);
  std::memset(copy.data() + kChecksumField, 0, 8);
  if (xxh64(copy.data(), copy.size()) != info.checksum) {
    throw ImageError("image header checksum mismatch");
  }
  Reader t(image, info.header_bytes, kFixedHeader);
  info.tensors.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    TensorEntry e;
    e.name = t.str(t.get<uint16_t>());
    const uint8_t dtype = t.get<uint8_t>();
    if (!valid_dtype(dtype)) throw ImageError("bad dtype for tensor " + e.name);
    e.dtype = static_cast<DType>(dtype);
    const uint8_t ndim = t.get<uint8_t>();
    for (uint8_t d = 0; d < ndim; ++d) e.shape.push_back(t.get<int64_t>());
    e.offset = t.get<uint64_t>();
    e.nbytes = t.get<uint64_t>();
    e.checksum = t.get<uint64_t>();
    if (e.offset < info.header_bytes || e.offset + e.nbytes > info.total_bytes) {
      throw ImageError("tensor " + e.name + " lies outside the image");
    }
    info.tensors.push_back(std::move(e));
  }
  return info;
}

void verify_tensors(const uint8_t* image, const ImageInfo& info) {
  std::vector<ByteSpan> spans;
  spans.reserve(info.tensors.size());
  for (const auto& t : info.tensors) spans.push_back({image + t.offset, t.nbytes});
  const std::vector<uint64_t> sums = xxh64_each(spans);
  for (size_t i = 0; i < sums.size(); ++i) {
    if (sums[i] != info.tensors[i].checksum) {
      throw ImageError("checksum mismatch in tensor " + info.tensors[i].name);
    }
  }
}

ImageInfo verify_image(const uint8_t* image, size_t bytes) {
  ImageInfo info = parse_header(image, bytes);
  if (info.total_bytes != bytes) {
    throw ImageError("image is " + std::to_string(bytes) + " bytes, header says " +
                     std::to_string(info.total_bytes));
  }
  verify_tensors(image, info);
  return info;
}

}  // namespace gemini::real
