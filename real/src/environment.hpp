// Facts about the machine a measurement ran on (CPU model, host, kernel, filesystem).
#pragma once
#include <string>

namespace gemini::real {

std::string cpu_model();               // /proc/cpuinfo "model name", or "unknown"
int cpu_count();                       // online CPUs
std::string host_name();
std::string kernel_release();          // uname -r
std::string filesystem_type(const std::string& path);  // "ext4", "xfs", "tmpfs", "overlay", or hex magic

}  // namespace gemini::real
