#include "pattern/matcher.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "pattern/literal_set.h"

namespace centinela::pattern {
namespace {

using Hits = std::vector<std::pair<unsigned, std::size_t>>;

Hits scan_all(const ScanDatabase& db, std::string_view text, Scratch& scratch) {
  Hits hits;
  EXPECT_EQ(
      db.scan(text, scratch, [&](unsigned id, std::size_t end) { hits.emplace_back(id, end); }),
      ScanStatus::ok);
  return hits;
}

std::unique_ptr<ScanDatabase> build(std::vector<Entry> entries) {
  std::string error;
  auto db = ScanDatabase::build(entries, error);
  EXPECT_TRUE(db) << error;
  return db;
}

TEST(PatternMatcher, ReportsIdsAndEndOffsetsInOrder) {
  const auto db = build({{7, "union\\s+select"}, {9, "<script"}, {7, "sleep\\("}});
  Scratch scratch;
  std::string error;
  ASSERT_TRUE(scratch.reserve(*db, error)) << error;
  EXPECT_EQ(scan_all(*db, "a union  select <script>", scratch), (Hits{{7, 15}, {9, 23}}));
  EXPECT_EQ(scan_all(*db, "nothing here", scratch), Hits{});
  EXPECT_EQ(db->entries(), 3u);
  EXPECT_GT(db->bytes(), 0u);
}

TEST(PatternMatcher, CompilesAsModSecurityDoes) {
  // DOTALL: '.' takes a line feed; MULTILINE: ^ and $ at line edges.
  const auto db = build({{1, "a.b"}, {2, "^x$"}, {3, "(?i)sel"}});
  Scratch scratch;
  std::string error;
  ASSERT_TRUE(scratch.reserve(*db, error));
  EXPECT_EQ(scan_all(*db, "a\nb", scratch), (Hits{{1, 3}}));
  EXPECT_EQ(scan_all(*db, "w\nx\ny", scratch), (Hits{{2, 3}}));
  EXPECT_EQ(scan_all(*db, "SEL", scratch), (Hits{{3, 3}}));
}

TEST(PatternMatcher, CallbackCanStopTheScan) {
  const auto db = build({{1, "a"}});
  Scratch scratch;
  std::string error;
  ASSERT_TRUE(scratch.reserve(*db, error));
  int calls = 0;
  EXPECT_EQ(db->scan("aaaa", scratch, [&](unsigned, std::size_t) { return ++calls < 2; }),
            ScanStatus::stopped);
  EXPECT_EQ(calls, 2);
}

TEST(PatternMatcher, FlagsPerEntry) {
  const auto db =
      build({{1, "abc", kCaseless}, {2, "a+", kSingleMatch}, {3, "(?<!x)y", kPrefilter}});
  Scratch scratch;
  std::string error;
  ASSERT_TRUE(scratch.reserve(*db, error));
  EXPECT_EQ(scan_all(*db, "ABC aaa", scratch), (Hits{{1, 3}, {2, 5}}));
  EXPECT_EQ(scan_all(*db, "xy", scratch), (Hits{{3, 2}}));  // prefilter: a superset
}

TEST(PatternMatcher, RefusesBadPatternsNamingTheId) {
  std::string error;
  std::vector<Entry> entries{{1, "ok"}, {42, "(unclosed"}};
  EXPECT_FALSE(ScanDatabase::build(entries, error));
  EXPECT_NE(error.find("42"), std::string::npos) << error;
  entries = {{5, std::string("a\0b", 3)}};
  EXPECT_FALSE(ScanDatabase::build(entries, error));
}

TEST(PatternMatcher, EmptyDatabaseNeverMatches) {
  const auto db = build({});
  Scratch scratch;
  std::string error;
  EXPECT_TRUE(scratch.reserve(*db, error));
  EXPECT_EQ(scan_all(*db, "anything", scratch), Hits{});
}

TEST(PatternMatcher, OneScratchServesSeveralDatabasesAndClones) {
  const auto small = build({{1, "ab"}});
  std::vector<Entry> many;
  for (unsigned i = 0; i < 200; ++i) many.push_back({i, "w" + std::to_string(i) + "[a-z]{2,}\\d"});
  const auto large = build(many);
  Scratch scratch;
  std::string error;
  // Not reserved yet: an error, not a crash.
  EXPECT_EQ(small->scan("ab", scratch, [](unsigned, std::size_t) {}), ScanStatus::error);
  ASSERT_TRUE(scratch.reserve(*small, error));
  ASSERT_TRUE(scratch.reserve(*large, error));
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(scan_all(*small, "xxab", scratch), (Hits{{1, 4}}));
    EXPECT_EQ(scan_all(*large, "w17abc1", scratch), (Hits{{17, 7}}));
  }
  Scratch copy;
  ASSERT_TRUE(scratch.clone_into(copy, error)) << error;
  EXPECT_EQ(scan_all(*large, "w199zz9", copy), (Hits{{199, 7}}));
  EXPECT_EQ(scan_all(*small, "ab", copy), (Hits{{1, 2}}));
}

TEST(PatternLiteralSet, MatchesAnywhereIgnoringCase) {
  const std::vector<std::string> words{"/etc/passwd", "", "Boot.INI", ".htaccess", "a+b(c)"};
  std::string error;
  const auto set = LiteralSet::build(words, error);
  ASSERT_TRUE(set) << error;
  EXPECT_EQ(set->words(), 4u);  // the empty word is left out
  Scratch scratch;
  ASSERT_TRUE(scratch.reserve(set->database(), error));
  EXPECT_TRUE(set->matches("GET /ETC/PASSWD HTTP/1.1", scratch));
  EXPECT_TRUE(set->matches("c:\\boot.ini", scratch));
  EXPECT_TRUE(set->matches("x A+B(C) y", scratch));  // bytes, not regex
  EXPECT_FALSE(set->matches("/etc/passw", scratch));
  EXPECT_FALSE(set->matches("", scratch));
  Hits hits;
  set->scan("boot.ini .HTACCESS", scratch,
            [&](unsigned index, std::size_t end) { hits.emplace_back(index, end); });
  EXPECT_EQ(hits, (Hits{{2, 8}, {3, 18}}));  // index in the list given
}

TEST(PatternLiteralSet, ScratchSharedWithRegexDatabases) {
  std::string error;
  const std::vector<std::string> words{"nikto", "sqlmap"};
  const auto set = LiteralSet::build(words, error);
  const auto db = build({{1, "select.+from"}});
  Scratch scratch;
  ASSERT_TRUE(scratch.reserve(*db, error));
  ASSERT_TRUE(scratch.reserve(set->database(), error));
  EXPECT_TRUE(set->matches("Mozilla/5.0 sqlmap/1.4", scratch));
  EXPECT_EQ(scan_all(*db, "select a from b", scratch), (Hits{{1, 13}}));
}

}  // namespace
}  // namespace centinela::pattern
