// Runs the OWASP CRS regression tests (tests/data/crs-3.3.4, the YAML of the
// ftw framework) in-process through the WAF engine, as the CRS suite runs
// them: Debian's CRS at paranoia level 4 in DetectionOnly mode, each stage
// a request whose findings must (log_contains) or must not
// (no_log_contains) name a rule.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_request.h"
#include "waf/program.h"
#include "waf/request_view.h"

namespace centinela::waf::test {

struct StageInput {
  std::string method = "GET", uri = "/", version = "HTTP/1.1";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string data;
  bool has_data = false;
  bool stop_magic = false;
  std::string raw_request;  // raw_request / encoded_request (decoded)
};

struct StageCase {
  std::string file, title;
  std::string group;  // "942"
  StageInput input;
  std::string log_contains, no_log_contains;  // regexes over the log lines
  bool checkable = true;                      // false: status / expect_error only
};

// Every stage of every YAML file under `dir`.
std::vector<StageCase> read_cases(const std::string& dir);

// The request ftw would have sent (its "magic": Content-Type and
// Content-Length for data), with its view built.
std::unique_ptr<TestRequest> build_request(const StageInput& input);

// The log lines ModSecurity would write for the findings:
// `[id "942100"] [msg "…"] [data "…"]`.
struct StageResult {
  bool passed = false;
  std::string log;
};
StageResult run_case(const Program& program, const StageCase& c);

// Debian's CRS, compiled once for the test binary.
std::shared_ptr<const RuleSet> crs_rules();
std::shared_ptr<const Program> crs_program_pl4();

}  // namespace centinela::waf::test
