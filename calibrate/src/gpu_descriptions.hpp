// One-line descriptions of the GPU benchmarks, shared by the CUDA and the CUDA-less builds.
#pragma once
#include <string>

namespace gemini::calibrate::detail {

inline std::string gpu_description(const std::string& name) {
  if (name == "gpu-h2d-pinned") return "cudaMemcpyAsync host-to-device from pinned (cudaHostAlloc) memory";
  if (name == "gpu-d2h-pinned") return "cudaMemcpyAsync device-to-host into pinned (cudaHostAlloc) memory";
  if (name == "gpu-h2d-pageable") return "cudaMemcpyAsync host-to-device from pageable (malloc'd, pre-faulted) memory";
  if (name == "gpu-d2h-pageable") return "cudaMemcpyAsync device-to-host into pageable (malloc'd, pre-faulted) memory";
  if (name == "gpu-d2d") return "cudaMemcpyAsync device-to-device on one GPU (bytes counted once; "
                                "the memory moves 2x that: read + write)";
  if (name == "nccl-allreduce") return "NCCL all-reduce (float sum) across all GPUs of this process";
  return "";
}

}  // namespace gemini::calibrate::detail
