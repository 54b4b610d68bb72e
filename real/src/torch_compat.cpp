// LibTorch version and CUDA adapter (see torch_compat.hpp for what each call must do).
#include "torch_compat.hpp"

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <cmath>
#include <limits>
#include <mutex>

#if GEMINI_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include "host_buffer.hpp"

namespace gemini::real::compat {

std::string torch_version() { return TORCH_VERSION; }

bool cuda_available() { return torch::cuda::is_available(); }

int cuda_device_count() { return static_cast<int>(torch::cuda::device_count()); }

bool cuda_paths_built() {
#if GEMINI_TORCH_CUDA
  return true;
#else
  return false;
#endif
}

std::string gpu_name(const torch::Device& device) {
  if (!device.is_cuda()) return "";
#if GEMINI_TORCH_CUDA
  return at::cuda::getDeviceProperties(device.index() < 0 ? 0 : device.index())->name;
#else
  return "unknown (built without CUDA paths)";
#endif
}

void set_threads(int threads) {
  if (threads <= 0) return;
  torch::set_num_threads(threads);
  // Debian's LibTorch reaches BLAS through libblas.so.3; OpenBLAS behind it keeps a thread pool
  // sized to the CPUs whatever torch says (a second thread per rank spun with --threads 1), so
  // tell it directly when it is the BLAS loaded.
  using SetBlasThreads = void (*)(int);
  if (auto* set_blas = reinterpret_cast<SetBlasThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_blas(threads);
  }
}

int threads() { return torch::get_num_threads(); }

std::shared_ptr<uint8_t> allocate_pinned_host(size_t bytes) {
  if (!cuda_available()) return allocate_plain_host(bytes);
  auto* holder = new at::Tensor(torch::empty(
      {static_cast<int64_t>(bytes == 0 ? 1 : bytes)},
      torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(true)));
  return std::shared_ptr<uint8_t>(holder->data_ptr<uint8_t>(),
                                  [holder](uint8_t*) { delete holder; });
}

void synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index() < 0 ? -1 : device.index());
}

void select_device(const torch::Device& device) {
  if (!device.is_cuda()) return;
#if GEMINI_TORCH_CUDA
  c10::cuda::set_device(static_cast<c10::DeviceIndex>(device.index() < 0 ? 0 : device.index()));
#endif
}

void run_copies(const torch::Device& device, const std::function<void()>& issue) {
  if (!device.is_cuda()) {
    issue();
    return;
  }
#if GEMINI_TORCH_CUDA
  const c10::DeviceIndex index = device.index() < 0 ? 0 : device.index();
  c10::cuda::CUDAGuard device_guard(index);
  c10::cuda::getCurrentCUDAStream(index).synchronize();
  c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool(false, index);
  {
    c10::cuda::CUDAStreamGuard stream_guard(side);
    issue();
  }
  side.synchronize();
#else
  synchronize(device);
  issue();
  synchronize(device);
#endif
}

at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0,
                                          /*is_causal=*/true);
#else
  const int64_t t = q.size(-2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  at::Tensor att = at::matmul(q, k.transpose(-2, -1)) * scale;
  at::Tensor mask =
      at::ones({t, t}, q.options().dtype(at::kBool)).triu(1);
  att = att.masked_fill(mask, -std::numeric_limits<float>::infinity());
  return at::matmul(at::softmax(att, -1), v);
#endif
}

namespace {
const at::Generator& generator_for(const torch::Device& device) {
  if (device.is_cuda()) {
    return at::globalContext().defaultGenerator(
        at::Device(at::kCUDA, device.index() < 0 ? 0 : device.index()));
  }
  return at::globalContext().defaultGenerator(at::Device(at::kCPU));
}
}  // namespace

at::Tensor rng_state(const torch::Device& device) {
  at::Generator gen = generator_for(device);  // a handle; mutex() is non-const
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}

void set_rng_state(const torch::Device& device, const at::Tensor& state) {
  at::Generator gen = generator_for(device);
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}

}  // namespace gemini::real::compat
