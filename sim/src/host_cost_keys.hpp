// Which HostCosts member each profile key fills: the one table that load_host_costs (fitted
// lines) and costs_at_size (medians) both read. Each key's benchmark comes from the profile's
// field list (profile_format/include/gemini/profile_fields.hpp), which gemini-calibrate writes by.
#pragma once
#include <cstddef>
#include <optional>

#include "gemini/compare.hpp"
#include "gemini/profile_fields.hpp"

namespace gemini::compare {

// One row of the table: a profile key and the HostCosts member it fills.
template <class Cost>
struct CostKey {
  const char* key;  // in the profile's hardware: block
  Cost HostCosts::*cost;
  // gemini-calibrate's benchmark for it, also the --benchmarks hint in errors.
  constexpr const char* benchmark() const { return profile::benchmark_of(key); }
};
using LinearKey = CostKey<LinearCost>;
using OptionalKey = CostKey<std::optional<LinearCost>>;
using ConcurrentKey = CostKey<ConcurrentCost>;

// Required in every profile compare reads.
inline constexpr LinearKey kRequiredCosts[] = {
    {"host_memcpy", &HostCosts::memcpy},
    {"checksum", &HostCosts::checksum},
    {"shm_write_fresh", &HostCosts::shm_write_fresh},
    {"shm_read_fresh", &HostCosts::shm_read_fresh},
    {"loopback_tcp", &HostCosts::tcp},
    {"local_disk_write", &HostCosts::disk_write},
    {"local_disk_read", &HostCosts::disk_read},
};
// Required together, and only for runs on a GPU.
inline constexpr LinearKey kGpuCosts[] = {
    {"gpu_to_cpu", &HostCosts::gpu_to_cpu},
    {"cpu_to_gpu", &HostCosts::cpu_to_gpu},
};
inline constexpr OptionalKey kOptionalCosts[] = {
    {"loopback_tcp_fresh", &HostCosts::tcp_fresh},
};
inline constexpr ConcurrentKey kConcurrentCosts[] = {
    {"host_memcpy_concurrent", &HostCosts::memcpy_concurrent},
    {"checksum_concurrent", &HostCosts::checksum_concurrent},
    {"local_disk_write_concurrent", &HostCosts::disk_write_concurrent},
    {"local_disk_read_concurrent", &HostCosts::disk_read_concurrent},
    {"loopback_tcp_concurrent", &HostCosts::tcp_concurrent},
    {"shm_write_fresh_concurrent", &HostCosts::shm_write_fresh_concurrent},
    {"memory_retrieval_concurrent", &HostCosts::memory_retrieval_concurrent},
    {"local_disk_read_beside_memory", &HostCosts::disk_read_beside_memory},
};

// Every key is a fitted field of the profile, so it has a benchmark.
template <class Key, std::size_t N>
constexpr bool all_fitted(const Key (&keys)[N]) {
  for (const Key& k : keys)
    if (k.benchmark() == nullptr) return false;
  return true;
}
static_assert(all_fitted(kRequiredCosts) && all_fitted(kGpuCosts) && all_fitted(kOptionalCosts) &&
                  all_fitted(kConcurrentCosts),
              "a HostCosts key that gemini-calibrate does not write (profile_fields.hpp)");

}  // namespace gemini::compare
