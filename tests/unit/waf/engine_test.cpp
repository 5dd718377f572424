// The Engine: rule files compiled once, programs shared by equal route
// settings, Hyperscan databases through the compile cache.
#include "waf/engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

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

// A reload compiles the new rules on a background thread while workers keep
// inspecting with the old engine; a worker then switches to the new one and
// back (requests of both rule sets in flight on one thread).
TEST(Engine, LoadsOffTheWorkersWhileTheOldEngineServes) {
  TempDir dir;
  const fs::path v1 = dir.path / "v1.conf", v2 = dir.path / "v2.conf";
  std::ofstream(v1) << "SecRule ARGS \"@rx (?i)union\\s+select\" \"id:10,phase:2,pass\"\n";
  std::ofstream(v2) << "SecRule ARGS \"@rx (?i)union\\s+select\" \"id:10,phase:2,pass\"\n"
                    << "SecRule ARGS \"@pm passwd shadow\" \"id:12,phase:2,pass\"\n";
  const fs::path cache = dir.path / "cache";
  const std::vector<std::string> first_files{v1.string()}, second_files{v2.string()};
  auto old_engine = Engine::load(first_files, &cache);
  const auto old_program = old_engine->program({});
  std::atomic<bool> loaded{false};
  std::shared_ptr<Engine> new_engine;
  std::shared_ptr<const Program> new_program;
  std::thread loader([&] {
    new_engine = Engine::load(second_files, &cache);
    new_program = new_engine->program({});
    loaded = true;
  });
  std::size_t served = 0;
  auto worker = [&](std::size_t& count) {
    while (!loaded) {
      EXPECT_EQ(fired(*old_program, "/?q=1+union+select+2&f=/etc/passwd"),
                std::vector<std::uint32_t>{10});
      ++count;
    }
  };
  std::size_t other = 0;
  std::thread second_worker([&] { worker(other); });
  worker(served);
  loader.join();
  second_worker.join();
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(fired(*new_program, "/?q=1+union+select+2&f=/etc/passwd"),
              (std::vector<std::uint32_t>{10, 12}));
    EXPECT_EQ(fired(*old_program, "/?f=/etc/passwd"), std::vector<std::uint32_t>{});
  }
  EXPECT_EQ(new_engine->report().errors, std::vector<std::string>{});
}

}  // namespace
}  // namespace centinela::waf
