// GPU benchmarks through the CUDA runtime API (host code only, no kernels): copies between host
// and device (pinned and pageable), device-to-device, and an NCCL all-reduce when built with NCCL.
#include <cuda_runtime.h>
#ifdef GEMINI_HAVE_NCCL
#include <nccl.h>
#endif

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "buffer.hpp"
#include "gemini/calibrate/benchmarks.hpp"
#include "gemini/calibrate/sizes.hpp"
#include "gpu_descriptions.hpp"

namespace gemini::calibrate {

namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
#define GEMINI_CUDA(call) check((call), #call)

std::string cuda_version(int v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}

std::string read_line(const std::string& path) {
  std::ifstream f(path);
  std::string s;
  std::getline(f, s);
  return s;
}

// PCIe link from sysfs (no NVML): "16.0 GT/s PCIe x16 (max 32.0 GT/s PCIe x16)".
std::string pcie_link(const std::string& bus_id) {
  const std::string dir = "/sys/bus/pci/devices/" + bus_id + "/";
  const std::string speed = read_line(dir + "current_link_speed"), width = read_line(dir + "current_link_width");
  if (speed.empty() || width.empty()) return "unknown";
  std::string s = speed + " x" + width;
  const std::string mspeed = read_line(dir + "max_link_speed"), mwidth = read_line(dir + "max_link_width");
  if (!mspeed.empty() && !mwidth.empty()) s += " (max " + mspeed + " x" + mwidth + ")";
  return s;
}

struct DeviceBuffer {
  void* p = nullptr;
  explicit DeviceBuffer(size_t n) { GEMINI_CUDA(cudaMalloc(&p, n)); GEMINI_CUDA(cudaMemset(p, 0x5a, n)); }
  ~DeviceBuffer() { if (p) cudaFree(p); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
};

struct PinnedBuffer {
  void* p = nullptr;
  explicit PinnedBuffer(size_t n) { GEMINI_CUDA(cudaHostAlloc(&p, n, cudaHostAllocDefault)); std::memset(p, 0x33, n); }
  ~PinnedBuffer() { if (p) cudaFreeHost(p); }
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
};

struct Timing {
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  Timing() {
    GEMINI_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    GEMINI_CUDA(cudaEventCreate(&start));
    GEMINI_CUDA(cudaEventCreate(&stop));
  }
  ~Timing() {
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    if (stream) cudaStreamDestroy(stream);
  }
};

bool wanted_has(const std::vector<std::string>& wanted, const std::string& name) {
  return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
}

// One copy benchmark: every size timed with CUDA events (primary) and the wall clock around
// record / copy / record / synchronize.
BenchmarkResult copy_sweep(const std::string& name, void* dst, const void* src, cudaMemcpyKind kind,
                           const SweepConfig& cfg, Timing& t, Progress& progress) {
  BenchmarkResult r;
  r.name = name;
  r.description = detail::gpu_description(name);
  r.timer = "CUDA events around the copy on a non-blocking stream (wall clock in `wall`)";
  const double t_start = now_s();
  for (size_t i = 0; i < cfg.sizes.size(); ++i) {
    const uint64_t n = cfg.sizes[i];
    const double next_s = r.points.empty() ? 0 : predict_next_s(cfg, i, r.points.back().bytes, r.points.back().wall->median_s);
    if (sweep_over_time_limit(cfg, t_start, i, next_s, r, progress)) break;
    const int warm = warmups_for_size(n, cfg.warmups), reps = reps_for_size(n, cfg.reps_max, cfg.reps_min);
    std::vector<double> ev, wall;
    for (int k = 0; k < warm + reps; ++k) {
      const double t0 = now_s();
      GEMINI_CUDA(cudaEventRecord(t.start, t.stream));
      GEMINI_CUDA(cudaMemcpyAsync(dst, src, n, kind, t.stream));
      GEMINI_CUDA(cudaEventRecord(t.stop, t.stream));
      GEMINI_CUDA(cudaEventSynchronize(t.stop));
      const double t1 = now_s();
      float ms = 0;
      GEMINI_CUDA(cudaEventElapsedTime(&ms, t.start, t.stop));
      if (k < warm) continue;
      ev.push_back(static_cast<double>(ms) * 1e-3);
      wall.push_back(t1 - t0);
    }
    SizePoint p{static_cast<double>(n), summarize(ev), summarize(wall), nlohmann::json::object(), std::nullopt};
    progress.step(name, p.bytes, p.stats);
    r.points.push_back(std::move(p));
  }
  fit_medians(r);
  return r;
}

BenchmarkResult nccl_allreduce(int gpus, const SweepConfig& cfg, MachineInfo& machine, Progress& progress) {
  const std::string name = "nccl-allreduce", desc = detail::gpu_description(name);
#ifndef GEMINI_HAVE_NCCL
  (void)gpus; (void)cfg; (void)machine; (void)progress;
  return BenchmarkResult::skipped(name, desc, "skipped: built without NCCL");
#else
  int v = 0;
  if (ncclGetVersion(&v) == ncclSuccess) {
    machine.nccl_version = std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." + std::to_string(v % 100);
  }
  if (gpus < 2)
    return BenchmarkResult::skipped(name, desc, "skipped: one GPU (an all-reduce over a single rank moves no data)");
  BenchmarkResult r;
  r.name = name;
  r.description = desc;
  r.timer = "wall clock around ncclGroupStart / one ncclAllReduce per GPU / ncclGroupEnd / stream syncs";
  auto nccl_check = [](ncclResult_t e, const char* what) {
    if (e != ncclSuccess) throw std::runtime_error(std::string(what) + ": " + ncclGetErrorString(e));
  };
  std::vector<ncclComm_t> comms(static_cast<size_t>(gpus));
  nccl_check(ncclCommInitAll(comms.data(), gpus, nullptr), "ncclCommInitAll");
  const uint64_t max = std::min<uint64_t>(cfg.sizes.back(), 1ull << 30);
  std::vector<void*> send(comms.size(), nullptr), recv(comms.size(), nullptr);
  std::vector<cudaStream_t> streams(comms.size(), nullptr);
  auto cleanup = [&] {
    for (size_t d = 0; d < comms.size(); ++d) {
      cudaSetDevice(static_cast<int>(d));
      if (send[d]) cudaFree(send[d]);
      if (recv[d]) cudaFree(recv[d]);
      if (streams[d]) cudaStreamDestroy(streams[d]);
      ncclCommDestroy(comms[d]);
    }
    cudaSetDevice(0);
  };
  try {
    for (size_t d = 0; d < comms.size(); ++d) {
      GEMINI_CUDA(cudaSetDevice(static_cast<int>(d)));
      GEMINI_CUDA(cudaMalloc(&send[d], max));
      GEMINI_CUDA(cudaMalloc(&recv[d], max));
      GEMINI_CUDA(cudaMemset(send[d], 0, max));
      GEMINI_CUDA(cudaStreamCreateWithFlags(&streams[d], cudaStreamNonBlocking));
    }
    for (uint64_t n : cfg.sizes) {
      if (n > max) break;
      const size_t count = n / sizeof(float);
      const Stats s = measure_repeated(warmups_for_size(n, cfg.warmups), reps_for_size(n, cfg.reps_max, cfg.reps_min), [&] {
        const double t0 = now_s();
        nccl_check(ncclGroupStart(), "ncclGroupStart");
        for (size_t d = 0; d < comms.size(); ++d)
          nccl_check(ncclAllReduce(send[d], recv[d], count, ncclFloat, ncclSum, comms[d], streams[d]), "ncclAllReduce");
        nccl_check(ncclGroupEnd(), "ncclGroupEnd");
        for (size_t d = 0; d < comms.size(); ++d) {
          GEMINI_CUDA(cudaSetDevice(static_cast<int>(d)));
          GEMINI_CUDA(cudaStreamSynchronize(streams[d]));
        }
        return now_s() - t0;
      });
      add_point(r, n, s, progress);
    }
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  r.extra["ranks"] = gpus;
  r.extra["bus_bandwidth_factor"] = 2.0 * (gpus - 1) / gpus;
  r.notes.push_back("beta is the algorithm bandwidth (bytes per rank / time); bus bandwidth = beta * 2(n-1)/n");
  fit_medians(r);
  return r;
#endif
}

}  // namespace

bool gpu_support_compiled() { return true; }
bool nccl_support_compiled() {
#ifdef GEMINI_HAVE_NCCL
  return true;
#else
  return false;
#endif
}

std::vector<BenchmarkResult> bench_gpu(const SweepConfig& cfg, const std::vector<std::string>& wanted,
                                       MachineInfo& machine, Progress& progress) {
  std::vector<BenchmarkResult> out;
  if (wanted.empty()) return out;
  auto skip_rest = [&](const std::string& why) {
    for (const auto& name : wanted) {
      const bool done = std::any_of(out.begin(), out.end(), [&](const BenchmarkResult& b) { return b.name == name; });
      if (!done) out.push_back(BenchmarkResult::skipped(name, detail::gpu_description(name), why));
    }
  };
  int v = 0;
  if (cudaRuntimeGetVersion(&v) == cudaSuccess) machine.cuda_runtime_version = cuda_version(v);
  if (cudaDriverGetVersion(&v) == cudaSuccess && v > 0) machine.cuda_driver_version = cuda_version(v);
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    machine.gpu_status = e != cudaSuccess
        ? std::string("skipped: no usable GPU (cudaGetDeviceCount: ") + cudaGetErrorString(e) + ")"
        : "skipped: no GPU (cudaGetDeviceCount returned 0)";
    cudaGetLastError();  // clear the sticky-free error state
    progress.note("GPU benchmarks " + machine.gpu_status);
    skip_rest(machine.gpu_status);
    return out;
  }
  for (int d = 0; d < count; ++d) {
    cudaDeviceProp p{};
    if (cudaGetDeviceProperties(&p, d) != cudaSuccess) continue;
    GpuInfo g;
    g.index = d;
    g.name = p.name;
    g.memory_bytes = static_cast<double>(p.totalGlobalMem);
    g.compute_capability = std::to_string(p.major) + "." + std::to_string(p.minor);
    g.multiprocessors = p.multiProcessorCount;
    char bus[32];
    std::snprintf(bus, sizeof bus, "%04x:%02x:%02x.0", p.pciDomainID, p.pciBusID, p.pciDeviceID);
    g.pci_bus_id = bus;
    g.pcie_link = pcie_link(bus);
    machine.gpus.push_back(g);
  }
  machine.gpu_status = "ok";
  progress.note("GPU 0: " + machine.gpus.front().name + ", " + format_bytes(machine.gpus.front().memory_bytes) +
                ", PCIe " + machine.gpus.front().pcie_link + ", driver " + machine.cuda_driver_version +
                ", runtime " + machine.cuda_runtime_version);

  try {
    GEMINI_CUDA(cudaSetDevice(0));
    // Shrink the sweep if GPU memory cannot hold two buffers of the largest size.
    SweepConfig c = cfg;
    size_t free_b = 0, total_b = 0;
    GEMINI_CUDA(cudaMemGetInfo(&free_b, &total_b));
    while (c.sizes.size() > 1 && 2.0 * static_cast<double>(c.sizes.back()) > 0.9 * static_cast<double>(free_b)) {
      progress.note("  GPU: " + format_bytes(static_cast<double>(c.sizes.back())) + " x2 does not fit in free GPU memory; dropped");
      c.sizes.pop_back();
    }
    const uint64_t max = c.sizes.back();
    const bool need_pinned = wanted_has(wanted, "gpu-h2d-pinned") || wanted_has(wanted, "gpu-d2h-pinned");
    const bool need_pageable = wanted_has(wanted, "gpu-h2d-pageable") || wanted_has(wanted, "gpu-d2h-pageable");
    const bool need_d2d = wanted_has(wanted, "gpu-d2d");
    Timing t;
    DeviceBuffer dev_a(max);
    if (need_pinned) {
      const double t0 = now_s();
      PinnedBuffer host(max);
      progress.note("  pinned host buffer of " + format_bytes(static_cast<double>(max)) + " allocated in " +
                    std::to_string(now_s() - t0) + " s");
      if (wanted_has(wanted, "gpu-h2d-pinned"))
        out.push_back(copy_sweep("gpu-h2d-pinned", dev_a.p, host.p, cudaMemcpyHostToDevice, c, t, progress));
      if (wanted_has(wanted, "gpu-d2h-pinned"))
        out.push_back(copy_sweep("gpu-d2h-pinned", host.p, dev_a.p, cudaMemcpyDeviceToHost, c, t, progress));
    }
    if (need_pageable) {
      auto host = detail::make_prefaulted(max, 7);
      if (wanted_has(wanted, "gpu-h2d-pageable"))
        out.push_back(copy_sweep("gpu-h2d-pageable", dev_a.p, host.get(), cudaMemcpyHostToDevice, c, t, progress));
      if (wanted_has(wanted, "gpu-d2h-pageable"))
        out.push_back(copy_sweep("gpu-d2h-pageable", host.get(), dev_a.p, cudaMemcpyDeviceToHost, c, t, progress));
    }
    if (need_d2d) {
      DeviceBuffer dev_b(max);
      out.push_back(copy_sweep("gpu-d2d", dev_b.p, dev_a.p, cudaMemcpyDeviceToDevice, c, t, progress));
    }
  } catch (const std::exception& ex) {
    progress.note(std::string("GPU benchmark failed: ") + ex.what());
    for (const auto& name : wanted) {
      const bool done = std::any_of(out.begin(), out.end(), [&](const BenchmarkResult& b) { return b.name == name; });
      if (!done && name != "nccl-allreduce") {
        BenchmarkResult r = BenchmarkResult::skipped(name, detail::gpu_description(name), ex.what());
        r.status = "error";
        out.push_back(r);
      }
    }
  }
  if (wanted_has(wanted, "nccl-allreduce")) {
    try {
      out.push_back(nccl_allreduce(count, cfg, machine, progress));
    } catch (const std::exception& ex) {
      BenchmarkResult r = BenchmarkResult::skipped("nccl-allreduce", detail::gpu_description("nccl-allreduce"), ex.what());
      r.status = "error";
      out.push_back(r);
    }
    if (out.back().status == "skipped") progress.note("nccl-allreduce " + out.back().message);
  }
  return out;
}

}  // namespace gemini::calibrate
