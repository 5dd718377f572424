// Every @rx of CRS 3.3.4 (Debian) gets the form the survey found
// (docs/plans/waf.md section 1): 256 exact, 3 split, 5 prefilter, 1 PCRE2
// only; and the pieces of a split pattern compile together into one database.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>

#include "pattern/analysis.h"
#include "pattern/matcher.h"
#include "test_data.h"

namespace centinela::pattern {
namespace {

TEST(PatternCrs, EveryRxPatternGetsTheSurveyedForm) {
  const auto patterns = testing::crs_rx_patterns();
  ASSERT_EQ(patterns.size(), 265u);
  std::map<Form, std::set<std::string>> by_form;  // rule ids (a chain may hold two @rx)
  std::map<Form, int> rows;
  std::map<std::string, std::size_t> split_pieces;
  int parsed = 0, gated = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const auto& p = patterns[i];
    const Analysis a = analyse(p.pattern);
    ASSERT_TRUE(a.error.empty()) << p.id << ": " << a.error;
    EXPECT_TRUE(a.parsed) << p.id << ": " << a.parse_error;
    parsed += a.parsed;
    gated += a.required.any();
    by_form[a.form].insert(p.id);
    ++rows[a.form];
    if (a.form != Form::split) continue;
    split_pieces[p.id] = a.pieces.size();
    std::vector<Entry> entries;
    for (const auto& piece : a.pieces) entries.push_back(Entry{static_cast<unsigned>(i), piece});
    std::string error;
    const auto db = ScanDatabase::build(entries, error);
    EXPECT_TRUE(db) << p.id << ": " << error;
  }
  EXPECT_EQ(parsed, 265);
  EXPECT_EQ(rows[Form::exact], 256);
  EXPECT_EQ(rows[Form::split], 3);
  EXPECT_EQ(rows[Form::prefilter], 5);
  EXPECT_EQ(rows[Form::pcre_only], 1);
  EXPECT_EQ(by_form[Form::split], (std::set<std::string>{"932100", "932105", "932150"}));
  EXPECT_EQ(by_form[Form::prefilter],
            (std::set<std::string>{"920120", "920600", "942130", "942260", "953120"}));
  EXPECT_EQ(by_form[Form::pcre_only], (std::set<std::string>{"920510"}));
  for (const auto& [id, count] : split_pieces) {
    EXPECT_GE(count, 2u) << id;
    std::cout << "split " << id << ": " << count << " pieces\n";
  }
  std::cout << "patterns with a required byte set: " << gated << " of 265\n";
}

}  // namespace
}  // namespace centinela::pattern
