// EventLog (real/src/event_log.hpp): one JSON line per event; a log whose last line a SIGKILL cut
// short is ended before the next process appends, so that line alone is lost, not the next event.
#include "event_log.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace gr = gemini::real;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

fs::path fresh_path(const std::string& name) {
  const fs::path p = fs::temp_directory_path() / ("gemini-event-log-" + std::to_string(::getpid()) + "-" + name);
  fs::remove(p);
  return p;
}

}  // namespace

TEST(EventLog, AppendsOneLinePerEventWithItsTime) {
  const fs::path p = fresh_path("plain");
  {
    gr::EventLog log(p.string());
    log.write({{"e", "start"}});
    log.write({{"e", "iter"}, {"iteration", 1}});
  }
  gr::EventLog again(p.string());  // an intact log gets no blank line
  again.write({{"e", "done"}});
  const auto lines = lines_of(p);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["iteration"], 1);
  EXPECT_EQ(nlohmann::json::parse(lines[2])["e"], "done");
  EXPECT_TRUE(nlohmann::json::parse(lines[2]).contains("t"));
  fs::remove(p);
}

TEST(EventLog, EndsALineCutShortBeforeAppending) {
  const fs::path p = fresh_path("torn");
  std::ofstream(p) << "{\"e\":\"iter\",\"iteration\":1}\n{\"e\":\"iter\",\"iterat";
  {
    gr::EventLog log(p.string());
    log.write({{"e", "start"}, {"gen", 2}});
  }
  const auto lines = lines_of(p);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(nlohmann::json::accept(lines[1]));  // the cut line, alone
  EXPECT_EQ(nlohmann::json::parse(lines[2])["gen"], 2);  // the next process's first event, intact
  fs::remove(p);
}

TEST(EventLog, EmptyPathLogsNothing) {
  gr::EventLog log("");
  log.write({{"e", "start"}});  // no file, no throw
  SUCCEED();
}
