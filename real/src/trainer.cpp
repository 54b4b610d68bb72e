// Trainer: GPT + AdamW + synthetic data, and capture/restore of the training-state image.
#include "trainer.hpp"

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "checksum.hpp"
#include "gpt.hpp"
#include "state_image.hpp"
#include "synthetic_data.hpp"
#include "torch_compat.hpp"

namespace gemini::real {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

DType to_dtype(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return DType::kF32;
    case at::kHalf: return DType::kF16;
    case at::kBFloat16: return DType::kBF16;
    case at::kDouble: return DType::kF64;
    case at::kLong: return DType::kI64;
    case at::kInt: return DType::kI32;
    case at::kByte: return DType::kU8;
    default: throw std::runtime_error("unsupported tensor dtype in training state");
  }
}

at::ScalarType to_scalar(DType t) {
  switch (t) {
    case DType::kF32: return at::kFloat;
    case DType::kF16: return at::kHalf;
    case DType::kBF16: return at::kBFloat16;
    case DType::kF64: return at::kDouble;
    case DType::kI64: return at::kLong;
    case DType::kI32: return at::kInt;
    case DType::kU8: return at::kByte;
  }
  throw std::runtime_error("bad dtype");
}

torch::Device parse_device(const std::string& name, int slot) {
  torch::Device device(name);
  if (device.is_cuda()) {
    if (!compat::cuda_available()) throw std::invalid_argument("device " + name + ": CUDA is not available");
    if (!device.has_index()) {
      const int gpus = std::max(1, compat::cuda_device_count());
      device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(std::max(0, slot) % gpus));
    }
    compat::select_device(device);
  } else if (!device.is_cpu()) {
    throw std::invalid_argument("device " + name + ": only cpu and cuda are supported");
  }
  return device;
}

}  // namespace

struct Trainer::Impl {
  TrainerConfig config;
  torch::Device device;
  Gpt model{nullptr};
  std::unique_ptr<AdamW> optimizer;
  std::unique_ptr<SyntheticLanguage> data;
  uint64_t data_seed = 0;
  uint64_t iteration = 0;
  std::vector<int64_t> inputs, targets;
  std::vector<torch::Tensor> params;
  std::vector<float> flat;  // gradients + loss, reduced across ranks (host reducers)
  torch::Tensor flat_device;  // the same on the device (device_memory reducers)

  // The image: `device_tensors` (parameters, then moments) occupy layout entries
  // [0, device_tensors.size()); scalar/host entries follow in the order of `host_names`.
  std::vector<torch::Tensor> device_tensors;
  ImageLayout layout;
  size_t first_host = 0;

  explicit Impl(const TrainerConfig& c) : config(c), device(parse_device(c.device, c.device_slot)) {}

  // Host-side state in image order: optimizer step, generator(s), data seed and position,
  // iteration. Each is a CPU tensor.
  std::vector<std::pair<std::string, torch::Tensor>> host_state() const {
    auto scalar = [](int64_t v) { return torch::tensor({v}, torch::kLong); };
    std::vector<std::pair<std::string, torch::Tensor>> s;
    s.emplace_back("optim/step", scalar(optimizer->step_count()));
    s.emplace_back("rng/cpu", compat::rng_state(torch::Device(torch::kCPU)));
    if (device.is_cuda()) s.emplace_back("rng/cuda", compat::rng_state(device));
    s.emplace_back("data/seed", scalar(static_cast<int64_t>(data_seed)));
    s.emplace_back("data/position", scalar(static_cast<int64_t>(iteration)));
    s.emplace_back("train/iteration", scalar(static_cast<int64_t>(iteration)));
    return s;
  }
};

Trainer::Trainer(const TrainerConfig& config) : impl_(std::make_unique<Impl>(config)) {
  Impl& m = *impl_;
  compat::set_threads(config.threads);
  torch::manual_seed(config.seed);
  m.model = Gpt(config.model);  // initialised on the CPU, so every device starts identically
  m.model->to(m.device);
  std::vector<torch::Tensor> params;
  std::vector<std::string> names;
  for (auto& p : m.model->named_parameters()) {
    names.push_back(p.key());
    params.push_back(p.value());
  }
  m.params = params;
  if (config.data_world < 1 || config.data_rank < 0 || config.data_rank >= config.data_world) {
    throw std::invalid_argument("data_rank must be in [0, data_world)");
  }
  AdamWOptions opts;
  opts.lr = config.model.learning_rate;
  m.optimizer = std::make_unique<AdamW>(params, opts);
  m.data_seed = config.seed;
  m.data = std::make_unique<SyntheticLanguage>(config.model.vocab, config.model.markov_successors,
                                               m.data_seed);
  const size_t tokens = static_cast<size_t>(config.model.micro_batch * config.model.seq_len);
  m.inputs.resize(tokens);
  m.targets.resize(tokens);

  std::vector<TensorEntry> entries;
  auto add = [&](const std::string& name, const torch::Tensor& t) {
    TensorEntry e;
    e.name = name;
    e.dtype = to_dtype(t.scalar_type());
    e.shape = t.sizes().vec();
    entries.push_back(std::move(e));
  };
  for (size_t i = 0; i < params.size(); ++i) {
    add("model/" + names[i], params[i]);
    m.device_tensors.push_back(params[i]);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    add("optim/exp_avg/" + names[i], m.optimizer->exp_avg()[i]);
    m.device_tensors.push_back(m.optimizer->exp_avg()[i]);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    add("optim/exp_avg_sq/" + names[i], m.optimizer->exp_avg_sq()[i]);
    m.device_tensors.push_back(m.optimizer->exp_avg_sq()[i]);
  }
  m.first_host = entries.size();
  for (const auto& [name, t] : m.host_state()) add(name, t);
  m.layout = plan_layout(std::move(entries));
}

Trainer::~Trainer() = default;

double Trainer::train_step(const GradientReducer& reduce) {
  Impl& m = *impl_;
  const auto& c = m.config.model;
  const uint64_t position = m.iteration * static_cast<uint64_t>(m.config.data_world) +
                            static_cast<uint64_t>(m.config.data_rank);
  m.data->batch(position, c.micro_batch, c.seq_len, m.inputs.data(), m.targets.data());
  auto x = torch::from_blob(m.inputs.data(), {c.micro_batch, c.seq_len}, torch::kLong).to(m.device);
  auto y = torch::from_blob(m.targets.data(), {c.micro_batch * c.seq_len}, torch::kLong).to(m.device);
  m.model->train();
  auto logits = m.model->forward(x);
  auto loss = torch::nn::functional::cross_entropy(logits.view({-1, c.vocab}), y);
  m.optimizer->zero_grad();
  loss.backward();
  double loss_value = loss.item<double>();
  if (reduce) {
    torch::NoGradGuard no_grad;
    size_t total = 0;
    for (const auto& p : m.params) total += static_cast<size_t>(p.numel());
    const auto n = static_cast<int64_t>(total + 1);
    torch::Tensor flat;
    if (reduce.device_memory) {
      if (!m.flat_device.defined() || m.flat_device.numel() != n) {
        m.flat_device = torch::empty({n}, torch::TensorOptions().dtype(torch::kFloat).device(m.device));
      }
      flat = m.flat_device;
    } else {
      m.flat.resize(total + 1);
      flat = torch::from_blob(m.flat.data(), {n}, torch::TensorOptions().dtype(torch::kFloat));
    }
    int64_t offset = 0;
    for (const auto& p : m.params) {
      auto part = flat.narrow(0, offset, p.numel());
      if (p.grad().defined()) {
        part.copy_(p.grad().reshape({-1}));
      } else {
        part.zero_();
      }
      offset += p.numel();
    }
    flat.narrow(0, offset, 1).fill_(loss_value);
    if (reduce.device_memory) compat::synchronize(m.device);  // NCCL runs on its own stream
    reduce.sum(flat.data_ptr<float>(), total + 1);
    flat.mul_(1.0 / static_cast<double>(m.config.data_world));
    offset = 0;
    for (auto& p : m.params) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      p.mutable_grad().view({-1}).copy_(flat.narrow(0, offset, p.numel()));
      offset += p.numel();
    }
    loss_value = flat.narrow(0, offset, 1).item<double>();
  }
  m.optimizer->step();
  ++m.iteration;
  return loss_value;
}

uint64_t Trainer::iteration() const { return impl_->iteration; }
int64_t Trainer::parameter_count() const { return impl_->model->parameter_count(); }
const TrainerConfig& Trainer::config() const { return impl_->config; }
std::string Trainer::device() const { return impl_->device.str(); }
int Trainer::cuda_index() const { return impl_->device.is_cuda() ? impl_->device.index() : -1; }
double Trainer::data_entropy_nats() const { return impl_->data->mean_entropy_nats(); }
uint64_t Trainer::image_bytes() const { return impl_->layout.total_bytes; }

ImageBreakdown Trainer::image_breakdown() const {
  ImageBreakdown b;
  b.total_bytes = impl_->layout.total_bytes;
  for (const auto& t : impl_->layout.tensors) {
    if (t.name.rfind("model/", 0) == 0) {
      b.weights_bytes += t.nbytes;
    } else if (t.name.rfind("optim/", 0) == 0) {
      b.optimizer_bytes += t.nbytes;
    }
  }
  b.other_bytes = b.total_bytes - b.weights_bytes - b.optimizer_bytes;
  return b;
}

HostBuffer Trainer::make_buffer() const {
  if (impl_->device.is_cuda()) return HostBuffer(compat::allocate_pinned_host, true);
  return HostBuffer();
}

CaptureResult Trainer::capture(HostBuffer& buffer) {
  Impl& m = *impl_;
  ImageLayout& layout = m.layout;
  buffer.ensure(layout.total_bytes);
  uint8_t* base = buffer.data();
  CaptureResult r;
  r.iteration = m.iteration;
  r.bytes = layout.total_bytes;

  torch::NoGradGuard no_grad;
  auto t0 = Clock::now();
  compat::run_copies(m.device, [&] {
    for (size_t i = 0; i < m.device_tensors.size(); ++i) {
      const auto& src = m.device_tensors[i];
      const auto& e = layout.tensors[i];
      if (src.is_cuda()) {
        torch::from_blob(base + e.offset, src.sizes(), src.options().device(torch::kCPU))
            .copy_(src, /*non_blocking=*/true);
      } else {
        std::memcpy(base + e.offset, src.contiguous().data_ptr(), e.nbytes);
      }
    }
  });
  const auto host = m.host_state();
  for (size_t j = 0; j < host.size(); ++j) {
    auto& e = layout.tensors[m.first_host + j];
    const auto& t = host[j].second;
    if (e.name != host[j].first || static_cast<uint64_t>(t.nbytes()) != e.nbytes) {
      throw std::runtime_error("training state changed shape: " + host[j].first);
    }
    std::memcpy(base + e.offset, t.contiguous().data_ptr(), e.nbytes);
  }
  r.copy_s = since(t0);

  auto t1 = Clock::now();
  std::vector<ByteSpan> spans;
  spans.reserve(layout.tensors.size());
  for (const auto& e : layout.tensors) spans.push_back({base + e.offset, e.nbytes});
  const std::vector<uint64_t> sums = xxh64_each(spans);
  for (size_t i = 0; i < sums.size(); ++i) layout.tensors[i].checksum = sums[i];
  r.checksum = write_header(layout, m.iteration, base);
  r.checksum_s = since(t1);
  return r;
}

void Trainer::restore(const uint8_t* image, size_t bytes) {
  Impl& m = *impl_;
  const ImageInfo info = parse_header(image, bytes);
  const auto& want = m.layout.tensors;
  if (info.total_bytes != m.layout.total_bytes || info.tensors.size() != want.size()) {
    throw std::runtime_error("checkpoint does not match this model: " +
                             std::to_string(info.tensors.size()) + " tensors / " +
                             std::to_string(info.total_bytes) + " bytes, expected " +
                             std::to_string(want.size()) + " / " +
                             std::to_string(m.layout.total_bytes));
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const auto& a = info.tensors[i];
    const auto& b = want[i];
    if (a.name != b.name || a.dtype != b.dtype || a.shape != b.shape || a.offset != b.offset) {
      throw std::runtime_error("checkpoint tensor " + a.name + " does not match model tensor " + b.name);
    }
  }
  auto* base = const_cast<uint8_t*>(image);  // from_blob wants non-const; only read from
  auto view = [&](const TensorEntry& e) {
    return torch::from_blob(base + e.offset, e.shape, torch::TensorOptions().dtype(to_scalar(e.dtype)));
  };
  {
    torch::NoGradGuard no_grad;
    compat::run_copies(m.device, [&] {
      for (size_t i = 0; i < m.device_tensors.size(); ++i) {
        auto& dst = m.device_tensors[i];
        if (dst.is_cuda()) {
          dst.copy_(view(want[i]), /*non_blocking=*/true);
        } else {
          std::memcpy(dst.data_ptr(), base + want[i].offset, want[i].nbytes);
        }
      }
    });
  }
  auto scalar = [&](const std::string& name) -> int64_t {
    for (size_t i = m.first_host; i < want.size(); ++i) {
      if (want[i].name == name) {
        int64_t v;
        std::memcpy(&v, base + want[i].offset, 8);
        return v;
      }
    }
    throw std::runtime_error("checkpoint lacks " + name);
  };
  for (size_t i = m.first_host; i < want.size(); ++i) {
    if (want[i].name == "rng/cpu") compat::set_rng_state(torch::Device(torch::kCPU), view(want[i]).clone());
    if (want[i].name == "rng/cuda") compat::set_rng_state(m.device, view(want[i]).clone());
  }
  m.optimizer->set_step_count(scalar("optim/step"));
  const auto seed = static_cast<uint64_t>(scalar("data/seed"));
  if (seed != m.data_seed) {
    m.data_seed = seed;
    m.data = std::make_unique<SyntheticLanguage>(m.config.model.vocab,
                                                 m.config.model.markov_successors, seed);
  }
  m.iteration = static_cast<uint64_t>(scalar("train/iteration"));
  if (static_cast<uint64_t>(scalar("data/position")) != m.iteration) {
    throw std::runtime_error("checkpoint data position differs from its iteration");
  }
  compat::synchronize(m.device);
}

void Trainer::synchronize() { compat::synchronize(impl_->device); }
std::string Trainer::torch_version() { return compat::torch_version(); }
bool Trainer::cuda_available() { return compat::cuda_available(); }
std::string Trainer::gpu_name() const { return compat::gpu_name(impl_->device); }

}  // namespace gemini::real
