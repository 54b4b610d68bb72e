// The only place that knows LibTorch version or CUDA specifics. Built against Debian's LibTorch
// 1.13 (CPU) and PyTorch 2.x LibTorch (CUDA). CUDA stream code is compiled only when CMake
// defines GEMINI_TORCH_CUDA (a CUDA toolkit and a CUDA-enabled LibTorch were both found).
#pragma once
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace gemini::real::compat {

std::string torch_version();  // e.g. "1.13.0"
bool cuda_available();
int cuda_device_count();         // 0 without CUDA
bool cuda_paths_built();         // GEMINI_TORCH_CUDA was defined
std::string gpu_name(const torch::Device& device);  // "" for CPU devices
void set_threads(int threads);   // intra-op threads (Debian's LibTorch defaults to 1)
int threads();

// Page-locked host memory when CUDA is available, plain page-aligned memory otherwise.
std::shared_ptr<uint8_t> allocate_pinned_host(size_t bytes);

// Waits for the device's compute stream, runs `issue` (which enqueues non-blocking copies) on a
// side stream where CUDA paths are built (else on the current stream), and waits for it.
// On CPU devices it just runs `issue`.
void run_copies(const torch::Device& device, const std::function<void()>& issue);
void synchronize(const torch::Device& device);
// Makes `device` the current CUDA device of this process (c10::cuda::set_device) where CUDA
// paths are built, so that contexts, pinned allocations and default streams all belong to it
// (ranks sharing one GPU each select it explicitly). No-op for CPU devices.
void select_device(const torch::Device& device);

// Causal self-attention over (batch, heads, seq, head_dim); fused kernel on LibTorch >= 2.
at::Tensor causal_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v);

// Default generator state (CPU, or the device's CUDA generator) as a CPU uint8 tensor.
at::Tensor rng_state(const torch::Device& device);
void set_rng_state(const torch::Device& device, const at::Tensor& state);

}  // namespace gemini::real::compat
