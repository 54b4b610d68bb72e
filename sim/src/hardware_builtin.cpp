// Built-in hardware profiles from datasheets and the GEMINI paper; none of them is calibrated.
#include <utility>

#include "gemini/hardware.hpp"

namespace gemini {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;
constexpr double kGbps = 1e9 / 8;         // bytes/s in one Gbit/s
constexpr double kCopyAlphaS = 10e-6;     // one cudaMemcpy launch + DMA setup
constexpr double kNetworkAlphaS = 20e-6;  // EFA/InfiniBand one-way latency, tens of us
constexpr double kDiskAlphaS = 100e-6;    // NVMe write + fsync round trip
// GEMINI §7.3: torch.save of one p4d machine's GPT-2 100B shard (100e9 * 12 B / 16 machines =
// 75 GB) blocks ~81 s. Used for every profile: serialisation is host-CPU bound.
constexpr double kPaperSerializeBytesPerS = 75e9 / 81.0;

LinearCost cost(double alpha_s, double bandwidth_bytes_per_s) {
  return LinearCost{alpha_s, bandwidth_bytes_per_s};
}

HardwareProfile p4d_24xlarge() {
  HardwareProfile p;
  p.name = "p4d.24xlarge";
  p.source =
      "datasheet/paper figures, not calibrated: GPUs, RAM and 400 Gbps EFA from the AWS "
      "datasheet; GPU-to-CPU ~400 Gbps per machine and serialisation (75 GB in 81 s) from GEMINI "
      "(SOSP'23) §5/§7; NVMe throughput assumed";
  p.gpu_model = "A100-SXM4-40GB";
  p.gpus_per_machine = 8;
  p.gpu_memory_bytes = 40 * kGiB;
  p.gpu_peak_flops = 312e12;  // bf16 dense
  p.cpu_memory_bytes = 1152 * kGiB;
  p.gpu_to_cpu = cost(kCopyAlphaS, 400 * kGbps);
  p.network = cost(kNetworkAlphaS, 400 * kGbps);
  p.network_latency_s = kNetworkAlphaS;
  p.local_disk_write = cost(kDiskAlphaS, 8e9);  // assumed: 8 x 1 TB NVMe at ~1 GB/s each
  p.local_disk_read = cost(kDiskAlphaS, 16e9);  // assumed
  p.serialize_bytes_per_s = kPaperSerializeBytesPerS;
  return p;
}

HardwareProfile p3dn_24xlarge() {
  HardwareProfile p;
  p.name = "p3dn.24xlarge";
  p.source =
      "datasheet/paper figures, not calibrated: GPUs, RAM and 100 Gbps EFA from the AWS "
      "datasheet and GEMINI Table 1; GPU-to-CPU assumed 4 PCIe Gen3 x16 host links (~12 GB/s "
      "each); serialisation rate from GEMINI's p4d figure; NVMe throughput assumed";
  p.gpu_model = "V100-SXM2-32GB";
  p.gpus_per_machine = 8;
  p.gpu_memory_bytes = 32 * kGiB;
  p.gpu_peak_flops = 125e12;  // fp16 tensor core
  p.cpu_memory_bytes = 768 * kGiB;
  p.gpu_to_cpu = cost(kCopyAlphaS, 48e9);
  p.network = cost(kNetworkAlphaS, 100 * kGbps);
  p.network_latency_s = kNetworkAlphaS;
  p.local_disk_write = cost(kDiskAlphaS, 2e9);  // assumed: 2 x 900 GB NVMe
  p.local_disk_read = cost(kDiskAlphaS, 4e9);
  p.serialize_bytes_per_s = kPaperSerializeBytesPerS;
  return p;
}

HardwareProfile h100_node() {
  HardwareProfile p;
  p.name = "h100-node";
  p.source =
      "datasheet figures, not calibrated: 8 x H100-80GB SXM (989 TFLOPS bf16 dense), 2 TiB "
      "RAM, 8 x 400 Gbps NICs (DGX H100 / p5.48xlarge class); GPU-to-CPU assumed ~50 GB/s per "
      "PCIe Gen5 x16 link; serialisation rate from GEMINI's p4d figure; NVMe throughput assumed";
  p.gpu_model = "H100-SXM5-80GB";
  p.gpus_per_machine = 8;
  p.gpu_memory_bytes = 80 * kGiB;
  p.gpu_peak_flops = 989e12;
  p.cpu_memory_bytes = 2048 * kGiB;
  p.gpu_to_cpu = cost(kCopyAlphaS, 8 * 50e9);
  p.network = cost(kNetworkAlphaS, 3200 * kGbps);
  p.network_latency_s = kNetworkAlphaS;
  p.local_disk_write = cost(kDiskAlphaS, 16e9);  // assumed: 8 x 3.84 TB NVMe
  p.local_disk_read = cost(kDiskAlphaS, 32e9);
  p.serialize_bytes_per_s = kPaperSerializeBytesPerS;
  return p;
}

HardwareProfile a100_pcie_4x() {
  HardwareProfile p;
  p.name = "a100-pcie-4x";
  p.source =
      "the seed poster's single machine (Vast.ai, 4 x A100-40GB); assumed figures, not "
      "calibrated: 256 GiB RAM, PCIe Gen4 ~20 GB/s per GPU, local disk ~1 GB/s (the seed's "
      "7.0 s disk save of ~2 x 2.4 GB suggests ~0.7 GB/s without fsync); no inter-machine "
      "network (10 Gbps placeholder); serialisation rate from GEMINI's p4d figure";
  p.gpu_model = "A100-PCIE-40GB";
  p.gpus_per_machine = 4;
  p.gpu_memory_bytes = 40 * kGiB;
  p.gpu_peak_flops = 312e12;
  p.cpu_memory_bytes = 256 * kGiB;
  p.gpu_to_cpu = cost(kCopyAlphaS, 4 * 20e9);
  p.network = cost(kNetworkAlphaS, 10 * kGbps);
  p.network_latency_s = kNetworkAlphaS;
  p.local_disk_write = cost(kDiskAlphaS, 1e9);
  p.local_disk_read = cost(kDiskAlphaS, 2e9);
  p.serialize_bytes_per_s = kPaperSerializeBytesPerS;
  return p;
}

}  // namespace

const std::vector<HardwareProfile>& builtin_hardware_profiles() {
  static const std::vector<HardwareProfile> profiles = {p4d_24xlarge(), p3dn_24xlarge(),
                                                        h100_node(), a100_pcie_4x()};
  return profiles;
}

const HardwareProfile* find_builtin_hardware(const std::string& name) {
  for (const HardwareProfile& profile : builtin_hardware_profiles()) {
    if (profile.name == name) return &profile;
  }
  return nullptr;
}

}  // namespace gemini
