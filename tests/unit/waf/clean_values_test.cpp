// The tokenisers' clean verdicts kept across requests (clean_values.h): by
// their bytes only, never an attack's, never a credential.
#include "waf/clean_values.h"

#include <gtest/gtest.h>

#include <string>

#include "seclang/parse.h"
#include "test_request.h"
#include "waf/evaluation.h"
#include "waf/program.h"
#include "waf/scratch.h"

namespace centinela::waf {
namespace {

TEST(CleanValues, KnowsAValueByItsBytesAndItsReading) {
  CleanValues values;
  values.add(3, "Mozilla/5.0 (X11; Linux x86_64)");
  EXPECT_TRUE(values.contains(3, "Mozilla/5.0 (X11; Linux x86_64)"));
  EXPECT_FALSE(values.contains(4, "Mozilla/5.0 (X11; Linux x86_64)"));  // another tokeniser
  EXPECT_FALSE(values.contains(3, "Mozilla/5.0 (X11; Linux x86_65)"));  // one byte apart
  EXPECT_FALSE(values.contains(3, "Mozilla/5.0 (X11; Linux x86_64"));   // a prefix
  const std::string long_value(CleanValues::kMaxBytes + 1, 'a');
  values.add(3, long_value);
  EXPECT_FALSE(values.contains(3, long_value));  // not kept: the table's slots are bounded
}

TEST(CleanValues, ManyDistinctValuesTakeEachOthersPlaces) {
  CleanValues values;
  for (int i = 0; i < 20000; ++i) values.add(1, "agent " + std::to_string(i));
  int kept = 0;
  for (int i = 0; i < 20000; ++i) kept += values.contains(1, "agent " + std::to_string(i));
  EXPECT_LE(kept, static_cast<int>(CleanValues::kSlots));
  EXPECT_TRUE(values.contains(1, "agent 19999"));  // the newest is where it went
}

std::shared_ptr<const Program> compile(std::string_view text) {
  auto set = compile_rules(seclang::parse_text(text, "test.conf"));
  EXPECT_TRUE(set->report.errors.empty()) << set->report.errors.front();
  return make_program(set, {});
}

bool found_sqli(const Program& program, test::Headers headers) {
  test::TestRequest request("GET", "/", std::move(headers));
  request.body();
  Evaluation ev(program, request.view, thread_scratch(*program.set), EngineMode::detection_only);
  ev.run_phase(1);
  return !ev.findings().empty();
}

TEST(CleanValues, TheEvaluationKeepsCleanHeadersOnlyNotCredentialsNorAttacks) {
  auto p = compile(R"(SecRule REQUEST_HEADERS "@detectSQLi" "id:1,phase:1,pass,t:none")");
  const auto reading = static_cast<std::uint8_t>(OpKind::detect_sqli);  // profile crs
  const std::string agent = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0";
  const std::string bearer = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x (kept secret)";
  const std::string attack = "1' OR '1'='1' -- (curl)";
  EXPECT_FALSE(found_sqli(*p, {{"Host", "example.com"},
                               {"User-Agent", agent},
                               {"Authorization", bearer},
                               {"Cookie", "sid=abc (x)"}}));
  EXPECT_TRUE(thread_clean_values().contains(reading, agent));
  EXPECT_FALSE(thread_clean_values().contains(reading, bearer));
  EXPECT_FALSE(thread_clean_values().contains(reading, "sid=abc (x)"));
  // An attack is read every time, on every request, and never kept.
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(found_sqli(*p, {{"Host", "example.com"}, {"User-Agent", attack}}));
    EXPECT_FALSE(thread_clean_values().contains(reading, attack));
  }
  // The clean one again: still clean, from the table.
  EXPECT_FALSE(found_sqli(*p, {{"Host", "example.com"}, {"User-Agent", agent}}));
}

}  // namespace
}  // namespace centinela::waf
