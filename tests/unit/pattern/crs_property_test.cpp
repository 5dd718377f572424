// The property the WAF relies on, over every CRS 3.3.4 @rx and a corpus of
// benign values, CRS regression payloads and public attack lists: for each
// (pattern, string), the verdict through Hyperscan (pieces OR-ed for split
// patterns, prefilter hits confirmed by PCRE2, PCRE2 alone for pcre_only)
// equals PCRE2's on the whole pattern; a PCRE2 match always holds one of the
// pattern's required bytes; a match holding a line feed only comes from a
// pattern said to possibly match one; and a pattern that matches the empty
// string (which Hyperscan never reports) is said to possibly match empty.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <sstream>

#include "pattern/analysis.h"
#include "pattern/confirmer.h"
#include "pattern/matcher.h"
#include "test_data.h"

namespace centinela::pattern {
namespace {

constexpr std::size_t kPatternsPerDatabase = 16;

struct Compiled {
  std::vector<Analysis> analyses;
  std::vector<std::unique_ptr<Confirmer>> confirmers;
  std::vector<std::unique_ptr<ScanDatabase>> databases;
};

Compiled compile_all(const std::vector<testing::RxPattern>& patterns, Scratch& scratch) {
  Compiled c;
  std::vector<Entry> chunk;
  std::size_t in_chunk = 0;
  auto flush = [&] {
    std::string error;
    auto db = ScanDatabase::build(chunk, error);
    EXPECT_TRUE(db) << error;
    if (!db) return;
    EXPECT_TRUE(scratch.reserve(*db, error)) << error;
    c.databases.push_back(std::move(db));
    chunk.clear();
    in_chunk = 0;
  };
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    std::string error;
    c.confirmers.push_back(Confirmer::compile(patterns[i].pattern, error));
    EXPECT_TRUE(c.confirmers.back()) << patterns[i].id << ": " << error;
    c.analyses.push_back(analyse(patterns[i].pattern));
    const Analysis& a = c.analyses.back();
    const unsigned flags = kSingleMatch | (a.form == Form::prefilter ? unsigned{kPrefilter} : 0u);
    for (const auto& piece : a.pieces) {
      chunk.push_back(Entry{static_cast<unsigned>(i), piece, flags});
    }
    if (++in_chunk == kPatternsPerDatabase) flush();
  }
  flush();
  return c;
}

bool holds_any(std::string_view s, const ByteSet& set) {
  for (unsigned char c : s) {
    if (set.test(c)) return true;
  }
  return false;
}

std::string shown(std::string_view s) {
  std::ostringstream out;
  for (unsigned char c : s.substr(0, 120)) {
    if (c >= 0x20 && c < 0x7f) {
      out << c;
    } else {
      out << "\\x" << std::hex << static_cast<int>(c) << std::dec;
    }
  }
  return out.str();
}

TEST(PatternCrs, HyperscanVerdictEqualsPcre2OnTheCorpus) {
  const auto patterns = testing::crs_rx_patterns();
  const auto strings = testing::corpus();
  ASSERT_GT(strings.size(), 5000u);
  Scratch scratch;
  const Compiled c = compile_all(patterns, scratch);
  ASSERT_EQ(c.analyses.size(), patterns.size());
  // Generous limits: the corpus must be decided, not cut short.
  ConfirmScratch confirm(Limits{10'000'000, 100'000});

  std::size_t matches = 0, limited = 0, disagreements = 0, required_misses = 0, lf_misses = 0;
  std::vector<std::size_t> matched_by(patterns.size());
  std::vector<char> hit(patterns.size());
  std::ostringstream report;
  for (const std::string& s : strings) {
    std::fill(hit.begin(), hit.end(), 0);
    for (const auto& db : c.databases) {
      ASSERT_NE(db->scan(s, scratch, [&](unsigned id, std::size_t) { hit[id] = 1; }),
                ScanStatus::error);
    }
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      const Analysis& a = c.analyses[i];
      Captures captures;
      const Confirm pcre = c.confirmers[i]->match(s, confirm, &captures);
      if (pcre == Confirm::limit) {
        ++limited;
        continue;
      }
      ASSERT_NE(pcre, Confirm::error);
      const bool truth = pcre == Confirm::match;
      const bool hs = a.form == Form::pcre_only   ? truth
                      : a.form == Form::prefilter ? hit[i] && truth
                                                  : hit[i] != 0;
      if (hs != truth && ++disagreements <= 20) {
        report << patterns[i].id << " (" << form_name(a.form) << "): PCRE2 " << truth
               << ", Hyperscan " << hs << " on \"" << shown(s) << "\"\n";
      }
      if (!truth) continue;
      ++matches;
      ++matched_by[i];
      const std::string_view match = captures.group[0];
      if (a.required.any() && !holds_any(match, a.required) && ++required_misses <= 20) {
        report << patterns[i].id << ": match \"" << shown(match) << "\" holds no required byte\n";
      }
      if (!a.may_match_lf && match.find('\n') != std::string_view::npos && ++lf_misses <= 20) {
        report << patterns[i].id << ": match \"" << shown(match) << "\" holds a line feed\n";
      }
    }
  }
  std::size_t empty_matches = 0;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    if (c.confirmers[i]->match("", confirm) != Confirm::match) continue;
    ++empty_matches;
    EXPECT_TRUE(c.analyses[i].may_match_empty) << patterns[i].id << " matches the empty string";
  }
  std::cout << empty_matches << " patterns match the empty string\n";
  const auto never = std::count(matched_by.begin(), matched_by.end(), 0);
  std::cout << strings.size() << " strings x " << patterns.size() << " patterns: " << matches
            << " PCRE2 matches, " << limited << " stopped by a limit; " << patterns.size() - never
            << " patterns matched at least once\n";
  EXPECT_EQ(disagreements, 0u) << report.str();
  EXPECT_EQ(required_misses, 0u) << report.str();
  EXPECT_EQ(lf_misses, 0u) << report.str();
  EXPECT_EQ(limited, 0u);
}

}  // namespace
}  // namespace centinela::pattern
