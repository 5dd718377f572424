// How long a configuration load of the WAF takes: Engine::load of the rule
// files (Debian's CRS by default) and the first Program, CPU and wall time,
// with the compile cache in a given folder (cold: an empty folder; warm: run
// it twice). Prints one line per step; not a test (no assertion on time).
//
//   waf_load_time [--cache DIR] [--paranoia N] [--repeat N] [RULE_FILE...]
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "waf/engine.h"

namespace {

struct Clock {
  double cpu = 0, wall = 0;
  static Clock now() {
    timespec c{}, w{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
    clock_gettime(CLOCK_MONOTONIC, &w);
    return {static_cast<double>(c.tv_sec) + static_cast<double>(c.tv_nsec) * 1e-9,
            static_cast<double>(w.tv_sec) + static_cast<double>(w.tv_nsec) * 1e-9};
  }
};

void print(const char* step, const Clock& from, const Clock& to) {
  std::printf("%-22s cpu %8.3f s   wall %8.3f s\n", step, to.cpu - from.cpu, to.wall - from.wall);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace centinela::waf;
  std::filesystem::path cache;
  bool with_cache = false;
  int paranoia = 1, repeat = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cache" && i + 1 < argc) {
      cache = argv[++i];
      with_cache = true;
    } else if (arg == "--paranoia" && i + 1 < argc) {
      paranoia = std::atoi(argv[++i]);
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else if (arg == "-h" || arg == "--help") {
      std::puts("waf_load_time [--cache DIR] [--paranoia N] [--repeat N] [RULE_FILE...]");
      return 0;
    } else {
      files.push_back(arg);
    }
  }
  for (int r = 0; r < repeat; ++r) {
    const Clock start = Clock::now();
    auto engine = Engine::load(files, with_cache ? &cache : nullptr);
    const Clock loaded = Clock::now();
    ProgramOptions options;
    options.paranoia = paranoia;
    auto program = engine->program(options);
    const Clock done = Clock::now();
    std::printf("run %d: %s\n", r + 1, engine->report().summary().c_str());
    print("Engine::load", start, loaded);
    print("Engine::program", loaded, done);
    print("total", start, done);
    std::printf("program: %zu rules (PL%d)\n", program->rules.size(), paranoia);
  }
  return 0;
}
