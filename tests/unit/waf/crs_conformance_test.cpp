// The CRS v3.3.4 regression tests run through the engine (crs_harness.h).
// Prints the pass rate per rule group and writes every failing stage with
// the log the engine produced to crs_conformance_failures.txt (in the
// working directory); fails when a group falls below the rate it reached
// when this test was written, so a regression in the engine shows.
#include <gtest/gtest.h>

#include <chrono>
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
  const auto load_start = std::chrono::steady_clock::now();
  const auto program = crs_program_pl4();
  const auto loaded = std::chrono::steady_clock::now();
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
  const auto ran = std::chrono::steady_clock::now();
  using ms = std::chrono::duration<double, std::milli>;
  std::cout << "load + PL4 program: " << ms(loaded - load_start).count() << " ms; " << all.total
            << " stages in " << ms(ran - loaded).count()
            << " ms (YAML, view and evaluation, debug-info build)\n";
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

namespace centinela::waf::test {
namespace {

// Debian's CRS as a route runs it at PL1: crs-setup, 901 and the paranoia
// skips are decided at load; a benign API request passes, an injection is
// blocked by 949110.
TEST(CrsProgram, ParanoiaOneFoldsAndDecides) {
  const auto set = crs_rules();
  ProgramOptions options;
  const auto pl1 = make_program(set, options);
  options.paranoia = 4;
  const auto pl4 = make_program(set, options);
  std::cout << "PL1: " << pl1->rules.size() << " rules run, " << pl1->folded << " folded at load, "
            << pl1->excluded << " left out; PL4: " << pl4->rules.size() << " run\n";
  EXPECT_LT(pl1->rules.size(), pl4->rules.size());
  EXPECT_GT(pl1->folded, 100u);
  for (const Rule& rule : pl1->rules) {
    EXPECT_NE(rule.id, 942013u) << "the PL skip rules are folded";
    EXPECT_NE(rule.id, 942200u) << "a PL2 rule is not in the PL1 program";
  }

  StageCase benign;
  benign.input.method = "POST";
  benign.input.uri = "/api/orders?page=2";
  benign.input.headers = {{"Host", "shop.example"},
                          {"User-Agent", "Mozilla/5.0"},
                          {"Accept", "application/json"},
                          {"Content-Type", "application/json"}};
  benign.input.data = R"({"customer":"O'Brien","note":"leave at the door, please","qty":3})";
  benign.input.has_data = true;
  benign.no_log_contains = "id \"949110\"";
  EXPECT_TRUE(run_case(*pl1, benign).passed) << run_case(*pl1, benign).log;

  StageCase attack = benign;
  attack.input.data = R"({"customer":"x' UNION SELECT password FROM users--","qty":3})";
  attack.no_log_contains.clear();
  attack.log_contains = "id \"949110\"";
  EXPECT_TRUE(run_case(*pl1, attack).passed) << run_case(*pl1, attack).log;
}

}  // namespace
}  // namespace centinela::waf::test

namespace centinela::waf::test {
namespace {

// The load report names every rule not run exactly as ModSecurity would.
TEST(CrsProgram, LoadReportListsWhatIsNotHonoured) {
  const LoadReport& report = crs_rules()->report;
  for (const auto& e : report.not_honoured) {
    std::cout << "not honoured " << e.id << " " << e.why << "\n";
  }
  for (const auto& e : report.partial) std::cout << "partial " << e.id << " " << e.why << "\n";
  EXPECT_EQ(report.not_honoured.size(), 2u);  // 910 reputation (@rbl) and GeoIP (@geoLookup)
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.rules, report.honoured + report.partial.size() + report.not_honoured.size());
}

}  // namespace
}  // namespace centinela::waf::test
