// The Engine: rule files compiled once, programs shared by equal route
// settings, Hyperscan databases through the compile cache.
#include "waf/engine.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_request.h"
#include "waf/evaluation.h"
#include "waf/scratch.h"

namespace centinela::waf {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  TempDir() : path(fs::temp_directory_path() / ("waf-engine-" + std::to_string(::getpid()))) {
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::vector<std::uint32_t> fired(const Program& program, std::string_view target) {
  test::TestRequest request("GET", target);
  request.body();
  Evaluation ev(program, request.view, thread_scratch(*program.set), EngineMode::detection_only);
  ev.run_phase(1);
  ev.run_phase(2);
  std::vector<std::uint32_t> ids;
  for (const Finding& f : ev.findings()) ids.push_back(f.rule);
  return ids;
}

TEST(Engine, ProgramsAreSharedAndTheCacheIsUsed) {
  TempDir dir;
  const fs::path rules = dir.path / "rules.conf";
  std::ofstream(rules) << "SecRule ARGS \"@rx (?i)union\\s+select\" \"id:10,phase:2,pass\"\n"
                       << "SecRule ARGS \"@rx <script\" \"id:11,phase:2,pass,t:lowercase\"\n";
  const fs::path cache = dir.path / "cache";
  fs::create_directories(cache);
  const std::vector<std::string> files{rules.string()};
  auto first = Engine::load(files, &cache);
  ASSERT_TRUE(first->report().errors.empty());
  EXPECT_FALSE(fs::is_empty(cache));
  ProgramOptions a, b;
  b.paranoia = 2;
  EXPECT_EQ(first->program(a), first->program(a));
  EXPECT_NE(first->program(a), first->program(b));
  auto second = Engine::load(files, &cache);  // from the cache this time
  for (const char* target : {"/?q=1 UNION  SELECT 2", "/?q=<SCRIPT>", "/?q=fine"}) {
    EXPECT_EQ(fired(*first->program(a), target), fired(*second->program(a), target)) << target;
  }
  EXPECT_EQ(fired(*second->program(a), "/?q=1%20UNION%20SELECT%202"),
            std::vector<std::uint32_t>{10});
}

}  // namespace
}  // namespace centinela::waf
