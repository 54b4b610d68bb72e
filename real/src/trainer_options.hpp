// The options every real/ trainer command takes (--preset, --device, --threads, --dir,
// --disk-io, --shm-dir, --seed), with the defaults the commands share. CLI-free: cli_common.hpp binds them
// to flags (add_trainer_options), rank_options.hpp extends them without pulling in CLI11.
#pragma once
#include <cstdint>
#include <string>

namespace gemini::real {

struct TrainerOptions {
  std::string preset = "tiny";
  std::string device = "cpu";
  int threads = 0;  // intra-op and checksum threads; 0: all online CPUs
  std::string dir = "/tmp/gemini-ckpt";
  std::string disk_io = "direct";  // "direct": O_DIRECT where the file system allows; "buffered"
  std::string shm_dir;
  uint64_t seed = 1234;
};

}  // namespace gemini::real
