// The CRS v3.3.4 regression tests run through the engine (crs_harness.h).
// Prints the pass rate per rule group and writes every failing stage with
// the log the engine produced to crs_conformance_failures.txt (in the
// working directory); fails when a group falls below the rate it reached
// when this test was written, so a regression in the engine shows.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <map>

#include "crs_harness.h"
#include "waf/ruleset.h"

namespace centinela::waf::test {
namespace {

struct Tally {
  int passed = 0, total = 0;
  double rate() const { return total ? 100.0 * passed / total : 100.0; }
};

TEST(CrsConformance, RegressionSuiteAtParanoia4) {
  const auto program = crs_program_pl4();
  ASSERT_TRUE(program->set->report.errors.empty()) << program->set->report.errors.front();
  const auto cases = read_cases(std::string(CENTINELA_TEST_DATA) + "/crs-3.3.4/tests");
  ASSERT_GT(cases.size(), 2000u);
  std::map<std::string, Tally> groups;
  Tally all, core;
  std::ofstream failures("crs_conformance_failures.txt");
  for (const StageCase& c : cases) {
    if (!c.checkable) continue;
    const StageResult r = run_case(*program, c);
    Tally& g = groups[c.group];
    ++g.total;
    ++all.total;
    const bool in_core =
        std::string("941 942 932 933 930 931 920 921").find(c.group) != std::string::npos;
    core.total += in_core;
    if (r.passed) {
      ++g.passed;
      ++all.passed;
      core.passed += in_core;
    } else {
      failures << c.file << " " << c.title << " expect=" << c.log_contains
               << " not=" << c.no_log_contains << "\n"
               << r.log << "\n";
    }
  }
  for (const auto& [group, t] : groups) {
    std::cout << "CRS " << group << ": " << t.passed << "/" << t.total << " (" << t.rate()
              << " %)\n";
  }
  std::cout << "CRS all: " << all.passed << "/" << all.total << " (" << all.rate() << " %)\n"
            << "CRS core groups: " << core.passed << "/" << core.total << " (" << core.rate()
            << " %)\n"
            << "load: " << program->set->report.summary() << "\n";
  // What the engine reached when this test was written (README of the report).
  EXPECT_GE(core.rate(), 99.5);
  EXPECT_GE(all.rate(), 99.7);
}

}  // namespace
}  // namespace centinela::waf::test
