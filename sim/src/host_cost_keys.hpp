// Which profile key of HostCosts each gemini-calibrate benchmark measures: the one table that
// load_host_costs (fitted lines) and costs_at_size (medians) both read.
#pragma once
#include <optional>
#include <string>

#include "gemini/compare.hpp"

namespace gemini::compare {

// One row of the table: a profile key, its benchmark, and the HostCosts member it fills.
template <class Cost>
struct CostKey {
  const char* key;        // in the profile's hardware: block
  const char* benchmark;  // gemini-calibrate's name, also the --benchmarks hint in errors
  Cost HostCosts::*cost;
};
using LinearKey = CostKey<LinearCost>;
using OptionalKey = CostKey<std::optional<LinearCost>>;
using ConcurrentKey = CostKey<ConcurrentCost>;

// Required in every profile compare reads.
inline constexpr LinearKey kRequiredCosts[] = {
    {"host_memcpy", "host-memcpy", &HostCosts::memcpy},
    {"checksum", "checksum-xxh64", &HostCosts::checksum},
    {"shm_write_fresh", "shm-write-fresh", &HostCosts::shm_write_fresh},
    {"shm_read_fresh", "shm-read-fresh", &HostCosts::shm_read_fresh},
    {"loopback_tcp", "tcp-loopback", &HostCosts::tcp},
    {"local_disk_write", "disk-write", &HostCosts::disk_write},
    {"local_disk_read", "disk-read-cold", &HostCosts::disk_read},
};
// Required together, and only for runs on a GPU.
inline constexpr LinearKey kGpuCosts[] = {
    {"gpu_to_cpu", "gpu-d2h-pinned", &HostCosts::gpu_to_cpu},
    {"cpu_to_gpu", "gpu-h2d-pinned", &HostCosts::cpu_to_gpu},
};
inline constexpr OptionalKey kOptionalCosts[] = {
    {"loopback_tcp_fresh", "tcp-loopback-fresh", &HostCosts::tcp_fresh},
};
inline constexpr ConcurrentKey kConcurrentCosts[] = {
    {"host_memcpy_concurrent", "host-memcpy-concurrent", &HostCosts::memcpy_concurrent},
    {"checksum_concurrent", "checksum-xxh64-concurrent", &HostCosts::checksum_concurrent},
    {"local_disk_write_concurrent", "disk-write-concurrent", &HostCosts::disk_write_concurrent},
    {"local_disk_read_concurrent", "disk-read-cold-concurrent", &HostCosts::disk_read_concurrent},
    {"loopback_tcp_concurrent", "tcp-loopback-concurrent", &HostCosts::tcp_concurrent},
    {"shm_write_fresh_concurrent", "shm-write-fresh-concurrent", &HostCosts::shm_write_fresh_concurrent},
    {"memory_retrieval_concurrent", "memory-retrieval-concurrent", &HostCosts::memory_retrieval_concurrent},
    {"local_disk_read_beside_memory", "disk-read-cold-beside-memory", &HostCosts::disk_read_beside_memory},
};

// The benchmark behind busiest_retrieval_key(K) (hardware_profile_file.hpp).
inline std::string busiest_retrieval_benchmark(int busiest) {
  return "memory-retrieval-busiest-" + std::to_string(busiest);
}

}  // namespace gemini::compare
