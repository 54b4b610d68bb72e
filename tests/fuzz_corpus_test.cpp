// Replays the inputs fuzzing found interesting (tests/fuzz/corpus/<target>/, see scripts/fuzz.sh)
// through the parsers: each must load or be rejected with a ConfigError, nothing else.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "gemini/failure_log.hpp"
#include "gemini/scenario.hpp"
#include "gemini/sweep.hpp"

namespace gemini {
namespace {

namespace fs = std::filesystem;

template <typename Parse>
void replay(const std::string& target, Parse parse) {
  const fs::path dir = fs::path(GEMINI_SOURCE_DIR) / "tests/fuzz/corpus" / target;
  if (!fs::exists(dir)) GTEST_SKIP() << "no corpus for " << target;
  int inputs = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++inputs;
    try {
      parse(entry.path().string());
    } catch (const ConfigError&) {
    } catch (const std::exception& e) {
      ADD_FAILURE() << entry.path() << ": " << e.what();
    }
  }
  EXPECT_GT(inputs, 0);
}

TEST(FuzzCorpus, ScenarioInputs) { replay("scenario", [](const std::string& p) { load_scenario(p); }); }
TEST(FuzzCorpus, SweepInputs) { replay("sweep", [](const std::string& p) { load_sweep(p); }); }
TEST(FuzzCorpus, FailureLogInputs) {
  replay("failure_log", [](const std::string& p) { read_failure_log(p, 16, 30 * 86400.0); });
}

}  // namespace
}  // namespace gemini
