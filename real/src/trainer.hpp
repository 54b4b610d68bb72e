// The single-process GPT trainer and its training-state image. Torch-free interface (pimpl) so
// commands and tests compile without LibTorch headers.
//
// The image holds everything needed to continue bit-for-bit: every parameter, both AdamW moments
// per parameter, the AdamW step, the default generator state(s), the data position and seed, and
// the iteration. Capture and restore move exactly those bytes, for every checkpoint strategy.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "host_buffer.hpp"
#include "presets.hpp"

namespace gemini::real {

struct TrainerConfig {
  GptConfig model;
  std::string device = "cpu";  // "cpu" | "cuda" | "cuda:N"
  int device_slot = 0;         // "cuda" means cuda:(device_slot % GPUs): ranks of a machine
                               // pass their local rank to get one GPU each (while there are enough)
  int threads = 0;             // intra-op threads; 0 leaves LibTorch's default
  uint64_t seed = 1234;        // model init and data
  // Data parallelism: this rank reads batch(iteration * data_world + data_rank), so the ranks of
  // one step see disjoint batches and a run's data depends only on (seed, world size).
  int data_rank = 0;
  int data_world = 1;
};

// Sums a float buffer in place across all ranks (an all-reduce). Throws on failure. The buffer
// is host memory, or the trainer's device memory when `device_memory` (NCCL), written and
// synchronised before `sum` is called.
struct GradientReducer {
  std::function<void(float* data, size_t count)> sum;
  bool device_memory = false;
  explicit operator bool() const { return static_cast<bool>(sum); }
};

struct CaptureResult {
  uint64_t iteration = 0;
  uint64_t bytes = 0;
  uint64_t checksum = 0;
  double copy_s = 0;      // device/host tensors into the buffer, to completion
  double checksum_s = 0;  // per-tensor checksums + header
};

struct ImageBreakdown {
  uint64_t total_bytes = 0;
  uint64_t weights_bytes = 0;
  uint64_t optimizer_bytes = 0;  // both moments + step
  uint64_t other_bytes = 0;      // header, RNG, data position, alignment
};

class Trainer {
 public:
  explicit Trainer(const TrainerConfig& config);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  // One iteration on batch(iteration()); returns the loss (which synchronises the device).
  // With a reducer (data parallel), the gradients and the loss are copied into one flat buffer
  // (parameters in order, then the loss; on the host, or on the device for a device_memory
  // reducer), reduced, divided by data_world and copied back before the optimizer step; the
  // returned loss is then the mean over ranks.
  double train_step(const GradientReducer& reduce = {});
  uint64_t iteration() const;
  int64_t parameter_count() const;
  const TrainerConfig& config() const;
  std::string device() const;
  int cuda_index() const;  // the CUDA device's index, -1 on the CPU
  double data_entropy_nats() const;  // loss floor of the synthetic language (approximate)

  uint64_t image_bytes() const;
  ImageBreakdown image_breakdown() const;
  // A reusable buffer for images: pinned on CUDA devices.
  HostBuffer make_buffer() const;
  // Writes the current training state as an image into `buffer` (grown if needed).
  CaptureResult capture(HostBuffer& buffer);
  // Restores model, optimizer, RNG, data position and iteration from an image; checks that its
  // tensor table matches this model exactly (names, dtypes, shapes). Does not re-verify
  // checksums (stores do that on load). Synchronises the device before returning.
  void restore(const uint8_t* image, size_t bytes);
  void synchronize();

  static std::string torch_version();
  static bool cuda_available();
  std::string gpu_name() const;  // "" on CPU

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gemini::real
