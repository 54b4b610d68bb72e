// The scratch tree the fuzz targets (fuzz_inputs.cpp) and their corpus replay
// (fuzz_corpus_test.cpp) parse inputs in: links to the source tree's folders beside an `in/`
// folder, so that relative references such as "scenario: ../scenarios/x.yaml" in a sweep
// resolve as they do in the repository and the parsers get past them into the deeper checks.
#pragma once
#include <filesystem>
#include <system_error>

namespace gemini::test {

// Links `dir`/scenarios, sweeps, models, tests and calibrate to `source_dir`'s and creates
// `dir`/in. Links that exist already are kept (a fuzz target calls this for every input).
inline void link_source_tree(const std::filesystem::path& dir, const std::filesystem::path& source_dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir / "in");
  for (const char* name : {"scenarios", "sweeps", "models", "tests", "calibrate"}) {
    std::error_code exists;
    fs::create_directory_symlink(source_dir / name, dir / name, exists);
  }
}

}  // namespace gemini::test
