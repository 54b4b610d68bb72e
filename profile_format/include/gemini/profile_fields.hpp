// The hardware profile's fitted fields: what gemini-calibrate writes into a profile's
// `hardware:` block and gemini-sim reads back, each with the benchmark whose fitted line it is.
// The one list both sides use, so that a benchmark renamed or added on one side cannot silently
// stop reaching the other (docs/CALIBRATION.md describes the file).
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace gemini::profile {

struct FittedField {
  const char* benchmark;                           // gemini-calibrate's benchmark name
  const char* field;                               // the key in the profile's hardware: block
  const char* rate_key = "bandwidth_bytes_per_s";  // the fitted rate's name (bytes per second unless the size axis differs)
};

inline constexpr FittedField kFittedFields[] = {
    {"gpu-d2h-pinned", "gpu_to_cpu"},
    {"gpu-h2d-pinned", "cpu_to_gpu"},
    {"gpu-d2h-pageable", "gpu_to_cpu_pageable"},
    {"gpu-h2d-pageable", "cpu_to_gpu_pageable"},
    {"gpu-d2d", "gpu_memory_copy"},
    {"disk-write", "local_disk_write"},
    {"disk-read-cold", "local_disk_read"},
    {"disk-write-concurrent", "local_disk_write_concurrent"},
    {"disk-read-cold-concurrent", "local_disk_read_concurrent"},
    {"disk-read-cold-beside-memory", "local_disk_read_beside_memory"},
    {"host-memcpy", "host_memcpy"},
    {"tcp-loopback", "loopback_tcp"},
    {"tcp-loopback-fresh", "loopback_tcp_fresh"},
    {"tcp-loopback-concurrent", "loopback_tcp_concurrent"},
    {"checksum-xxh64", "checksum"},
    {"shm-write-fresh", "shm_write_fresh"},
    {"shm-write-fresh-concurrent", "shm_write_fresh_concurrent"},
    {"shm-read-fresh", "shm_read_fresh"},
    {"memory-retrieval-concurrent", "memory_retrieval_concurrent"},
    {"host-memcpy-concurrent", "host_memcpy_concurrent"},
    {"checksum-xxh64-concurrent", "checksum_concurrent"},
    {"model-capture", "serialize"},
    {"model-restore", "deserialize"},
    {"model-iteration", "model_flop_rate", "flop_per_s"},
};

// Fields of the hardware: block that describe the machine rather than fit a benchmark.
inline constexpr const char* kMachineFields[] = {"cpu_memory_bytes", "gpu_model", "gpus_per_machine",
                                                 "gpu_memory_bytes"};

// The benchmark whose fitted line `field` is; nullptr for none.
constexpr const char* benchmark_of(std::string_view field) {
  for (const FittedField& f : kFittedFields)
    if (field == f.field) return f.benchmark;
  return nullptr;
}

// memory-retrieval-busiest: one benchmark and field per count K (1 to this) of processes pinned
// to the busiest CPU, "memory-retrieval-busiest-K" fitting memory_retrieval_busiest_K.
inline constexpr int kMaxBusiestCpuProcesses = 256;
inline constexpr std::string_view kBusiestRetrievalBenchmarkPrefix = "memory-retrieval-busiest-";
inline constexpr std::string_view kBusiestRetrievalFieldPrefix = "memory_retrieval_busiest_";

inline std::string busiest_retrieval_benchmark(int busiest) {
  return std::string(kBusiestRetrievalBenchmarkPrefix) + std::to_string(busiest);
}
inline std::string busiest_retrieval_field(int busiest) {
  return std::string(kBusiestRetrievalFieldPrefix) + std::to_string(busiest);
}
// K of a layout: the most of `cpus` (one entry per process, -1 unknown, not counted) that share
// one CPU. gemini-calibrate pins its processes to layouts of each K and records it of the
// unpinned rounds; gemini-sim counts it of a run's ranks to pick memory_retrieval_busiest_K.
inline int busiest_cpu_count(const std::vector<int>& cpus) {
  int most = 0;
  for (int c : cpus)
    if (c >= 0) most = std::max(most, static_cast<int>(std::count(cpus.begin(), cpus.end(), c)));
  return most;
}
// The field a memory-retrieval-busiest-K benchmark fits; empty for any other benchmark.
inline std::string busiest_retrieval_field_of(std::string_view benchmark) {
  if (benchmark.substr(0, kBusiestRetrievalBenchmarkPrefix.size()) != kBusiestRetrievalBenchmarkPrefix) return "";
  return std::string(kBusiestRetrievalFieldPrefix) + std::string(benchmark.substr(kBusiestRetrievalBenchmarkPrefix.size()));
}

}  // namespace gemini::profile
