// Command-line pieces shared by real/'s commands (included only by *_main.cpp files: CLI11 is
// expensive to compile): the device validator, the options every trainer command takes, and
// parse-and-run with the exit-code convention (0 ok, 1 failure, 2 bad input).
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <regex>
#include <stdexcept>
#include <string>

#include "presets.hpp"
#include "trainer_options.hpp"

namespace gemini::real {

inline CLI::Validator device_validator() {
  return CLI::Validator(
      [](std::string& s) {
        return std::regex_match(s, std::regex("cpu|cuda(:[0-9]+)?")) ? std::string() : "expected cpu, cuda or cuda:N";
      },
      "DEVICE");
}

// --preset, --device, --threads, --dir, --disk-io, --shm-dir, --seed: the same meaning in every
// command.
template <typename Options>
void add_trainer_options(CLI::App& app, Options& o) {
  app.add_option("--preset", o.preset, "Model preset")->check(CLI::IsMember(preset_names()));
  app.add_option("--device", o.device, "cpu, cuda or cuda:N")->check(device_validator());
  app.add_option("--threads", o.threads, "Intra-op and checksum threads (0: all online CPUs)")
      ->check(CLI::Range(0, 4096));
  app.add_option("--dir", o.dir, "Directory for disk checkpoints");
  app.add_option("--disk-io", o.disk_io,
                 "Disk checkpoint files: direct (O_DIRECT, bypassing the page cache, where the file system "
                 "allows; else buffered) or buffered (through the page cache)")
      ->check(CLI::IsMember({"direct", "buffered"}));
  app.add_option("--shm-dir", o.shm_dir, "tmpfs directory for the memory store (default: shm_open)");
  app.add_option("--seed", o.seed, "Model and data seed");
}

// Parses, then runs `run(options)`; invalid_argument is bad input (2), other errors are 1.
template <typename Options, typename Run>
int parse_and_run(const char* tool, CLI::App& app, int argc, char** argv, const Options& o, Run run) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    return run(o);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", tool, e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: error: %s\n", tool, e.what());
    return 1;
  }
}

}  // namespace gemini::real
