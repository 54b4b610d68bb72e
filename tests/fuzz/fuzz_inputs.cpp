// libFuzzer targets for every parser of user input: scenario YAML, sweep YAML, failure-log CSV.
// Built by scripts/fuzz.sh (clang, -fsanitize=fuzzer); one binary per target, chosen by the
// GEMINI_FUZZ_TARGET macro. A malformed input must end in ConfigError (the CLI turns it into a
// file:line message and exit code 2); any other exception, a message that is not one line with
// a line number, a crash, hang or leak is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gemini/failure_log.hpp"
#include "gemini/scenario.hpp"
#include "gemini/sweep.hpp"
#include "source_tree_links.hpp"

namespace {

// The input is written to /tmp/gemini-fuzz-PID/in/input.SUFFIX, in the scratch tree of
// source_tree_links.hpp.
std::string scratch_file(const char* suffix) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("gemini-fuzz-" + std::to_string(::getpid()));
  gemini::test::link_source_tree(dir, GEMINI_SOURCE_DIR);
  return (dir / "in" / (std::string("input") + suffix)).string();
}

void parse(const std::string& path) {
#if GEMINI_FUZZ_TARGET == 1
  gemini::load_scenario(path);
#elif GEMINI_FUZZ_TARGET == 2
  gemini::load_sweep(path);
#else
  gemini::read_failure_log(path, 16, 30 * 86400.0);
#endif
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = scratch_file(GEMINI_FUZZ_TARGET == 3 ? ".csv" : ".yaml");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    parse(path);
  } catch (const gemini::ConfigError& e) {
    // The expected way to reject input, as one line "file:line: message" with a real line.
    const std::string what = e.what();
    if (what.find('\n') != std::string::npos || e.line < 1) {
      std::fprintf(stderr, "bad error message (not one line, or no line): %s\n", what.c_str());
      std::abort();
    }
  }
  return 0;
}
