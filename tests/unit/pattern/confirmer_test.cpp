#include "pattern/confirmer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace centinela::pattern {
namespace {

std::unique_ptr<Confirmer> compiled(std::string_view pattern) {
  std::string error;
  auto c = Confirmer::compile(pattern, error);
  EXPECT_TRUE(c) << error;
  return c;
}

TEST(PatternConfirmer, MatchesAnywhereWithModSecurityOptions) {
  ConfirmScratch scratch;
  const auto dotall = compiled("a.b");
  EXPECT_EQ(dotall->match("xx a\nb", scratch), Confirm::match);
  const auto lines = compiled("^select$");
  EXPECT_EQ(lines->match("1\nselect\n2", scratch), Confirm::match);
  EXPECT_EQ(lines->match("selects", scratch), Confirm::no_match);
  EXPECT_EQ(lines->match("", scratch), Confirm::no_match);
  EXPECT_EQ(compiled("^$")->match("", scratch), Confirm::match);
  EXPECT_EQ(compiled("\\xff")->match("\xff", scratch), Confirm::match);  // bytes, not UTF-8
}

TEST(PatternConfirmer, CapturesForTx) {
  ConfirmScratch scratch;
  const auto c = compiled("(\\w+)=(\\d+)(x)?");
  EXPECT_EQ(c->capture_groups(), 3);
  Captures captures;
  ASSERT_EQ(c->match("a id=42;", scratch, &captures), Confirm::match);
  EXPECT_EQ(captures.count, 3u);  // groups 0..2; group 3 took no part
  EXPECT_EQ(captures.group[0], "id=42");
  EXPECT_EQ(captures.group[1], "id");
  EXPECT_EQ(captures.group[2], "42");
  EXPECT_FALSE(captures.set[3]);
  // More groups than TX:0..9 holds: the first ten are kept.
  const auto many = compiled("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)");
  ASSERT_EQ(many->match("abcdefghijk", scratch, &captures), Confirm::match);
  EXPECT_EQ(captures.count, Captures::kMax);
  EXPECT_EQ(captures.group[9], "i");
}

TEST(PatternConfirmer, CatastrophicBacktrackingHitsTheLimitQuickly) {
  ConfirmScratch scratch(Limits{10000, 1000});
  const auto c = compiled("(a+)+$");
  const std::string subject = std::string(40, 'a') + "b";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c->match(subject, scratch), Confirm::limit);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_LT(took, std::chrono::milliseconds(100));
  // The same scratch goes on serving ordinary matches.
  EXPECT_EQ(c->match("aaa", scratch), Confirm::match);
  // Without a tight limit it would run for ages; with a depth-bound
  // interpreter-only pattern the depth limit answers too.
  ConfirmScratch shallow(Limits{10'000'000, 10});
  const auto deep = compiled("(?:(a)|b)*c");
  EXPECT_NE(deep->match(std::string(5000, 'a'), shallow), Confirm::error);
}

TEST(PatternConfirmer, RefusesInvalidPatterns) {
  std::string error;
  EXPECT_FALSE(Confirmer::compile("(a", error));
  EXPECT_NE(error.find("offset"), std::string::npos) << error;
}

}  // namespace
}  // namespace centinela::pattern
