// Hardware profile of one machine kind: the costs the simulator projects.
#pragma once
#include <string>
#include <vector>

namespace gemini {

// Cost of moving s bytes: alpha_s + s / bandwidth_bytes_per_s (GEMINI's f(s)).
struct LinearCost {
  double alpha_s = 0;
  double bandwidth_bytes_per_s = 0;
  double seconds(double bytes) const { return alpha_s + bytes / bandwidth_bytes_per_s; }
};

struct HardwareProfile {
  std::string name;             // e.g. "p4d.24xlarge"
  std::string source;           // where the figures come from ("datasheet: ..." or "calibrated: ...")
  std::string gpu_model;
  int gpus_per_machine = 8;
  double gpu_memory_bytes = 0;
  double gpu_peak_flops = 0;            // dense fp16/bf16 peak per GPU
  double gpu_effective_fraction = 0.4;  // achieved / peak (MFU) when iteration time is derived
  double cpu_memory_bytes = 0;
  LinearCost gpu_to_cpu;        // device-to-host copy per machine (all GPUs together)
  LinearCost network;           // inter-machine NIC, per machine, one direction
  double network_latency_s = 0;
  LinearCost local_disk_write;  // to durability (fsync)
  LinearCost local_disk_read;
  double serialize_bytes_per_s = 0;  // torch.save-like serialisation of the state on the host
};

// Built-in profiles from datasheets and the GEMINI paper (labelled as such in `source`).
const std::vector<HardwareProfile>& builtin_hardware_profiles();
// nullptr when `name` is not built in.
const HardwareProfile* find_builtin_hardware(const std::string& name);

}  // namespace gemini
