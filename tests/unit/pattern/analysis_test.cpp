#include "pattern/analysis.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace centinela::pattern {
namespace {

ByteSet bytes_of(std::string_view s) {
  ByteSet set;
  for (unsigned char c : s) set.set(c);
  return set;
}

ByteSet required_of(std::string_view pcre) {
  const ParseResult parsed = parse(pcre);
  EXPECT_TRUE(parsed.ok) << pcre << ": " << parsed.error;
  return required_bytes(parsed.ast);
}

TEST(PatternParse, RequiredBytesOfLiteralsTakeTheRarestItem) {
  EXPECT_EQ(required_of("abc"), bytes_of("a"));          // equal sizes: the first
  EXPECT_EQ(required_of("[a-z]+;"), bytes_of(";"));      // the smallest set
  EXPECT_EQ(required_of("(?i)select"), bytes_of("sS"));  // caseless folds
  EXPECT_EQ(required_of("(?i:x)|<"), bytes_of("xX<"));   // alternation: union
  EXPECT_EQ(required_of("a?b*"), ByteSet{});             // can match empty: unknown
  EXPECT_EQ(required_of("(?:a|)b?"), ByteSet{});
  EXPECT_EQ(required_of("\\bunion\\b"), bytes_of("u"));  // assertions consume nothing
  EXPECT_EQ(required_of("(?=x)y"), bytes_of("y"));       // lookarounds are not the match
  EXPECT_EQ(required_of("x{0}"), ByteSet{});
  EXPECT_EQ(required_of("[\\x3c\\x3e]{2,}"), bytes_of("<>"));
  EXPECT_EQ(required_of("\\Q.*\\E"), bytes_of("."));  // quoted: literal bytes
  EXPECT_EQ(required_of("[^\\x00-\\xfe]"), bytes_of("\xff"));
}

TEST(PatternParse, ClassesEscapesAndPosixNames) {
  EXPECT_EQ(required_of("[[:digit:]]"), bytes_of("0123456789"));
  EXPECT_EQ(required_of("\\d"), bytes_of("0123456789"));
  EXPECT_EQ(required_of("[]a]"), bytes_of("]a"));  // ']' first is literal
  EXPECT_EQ(required_of("[a-c-]"), bytes_of("abc-"));
  EXPECT_EQ(required_of("\\x41\\x{42}"), bytes_of("A"));
  EXPECT_EQ(required_of("[\\b]"), bytes_of("\b"));
  EXPECT_EQ(required_of("\\cA"), bytes_of("\x01"));
  EXPECT_EQ(required_of("\\043"), bytes_of("#"));
  EXPECT_EQ(required_of("(?i)[^a]").test('A'), false);  // folded before negation
  EXPECT_EQ(required_of("\\s").count(), 6u);            // with VT, as PCRE2
  EXPECT_EQ(required_of("a{,3}"), bytes_of("a"));       // not a quantifier: "{,3}" literal
}

TEST(PatternParse, LineFeedsAndSubjectAnchors) {
  auto lf = [](std::string_view p) { return may_match_lf(parse(p).ast); };
  EXPECT_TRUE(lf("a.b"));  // DOTALL
  EXPECT_FALSE(lf("(?-s)a.b"));
  EXPECT_TRUE(lf("\\s"));
  EXPECT_TRUE(lf("[^x]"));
  EXPECT_FALSE(lf("^[a-z]+$"));
  EXPECT_TRUE(lf("a(?=\\n)"));  // a lookahead may read across a line feed
  EXPECT_FALSE(lf("\\N+"));
  auto anchors = [](std::string_view p) { return uses_subject_anchors(parse(p).ast); };
  EXPECT_FALSE(anchors("^a$"));
  EXPECT_TRUE(anchors("\\Aa"));
  EXPECT_TRUE(anchors("a\\z"));
}

TEST(PatternParse, AlphabetsAndCase) {
  ByteSet token;
  for (unsigned char c : std::string_view("abcdefghijklmnopqrstuvwxyz0123456789_.-")) {
    token.set(c);
    token.set(std::toupper(c));
  }
  auto within = [&](std::string_view p) { return can_match_within(parse(p).ast, token); };
  EXPECT_FALSE(within("<script"));
  EXPECT_FALSE(within("(?:union|select)\\s+from"));
  EXPECT_TRUE(within("(?i)select|<"));
  EXPECT_TRUE(within("a[^b]*c"));
  EXPECT_TRUE(within("x(?=<)"));  // lookarounds assumed satisfiable
  auto caseless = [](std::string_view p) { return is_case_insensitive(parse(p).ast); };
  EXPECT_TRUE(caseless("(?i)union\\s+select"));
  EXPECT_TRUE(caseless("[0-9<>]+"));
  EXPECT_FALSE(caseless("Union"));
  EXPECT_FALSE(caseless("(?i)(a)\\1"));
}

TEST(PatternParse, RefusesWhatItDoesNotKnowWithoutCrashing) {
  for (const char* pattern : {"(a", "a)", "[a", "a**", "*a", "\\", "(?R)", "(*UTF)a", "\\p{L}",
                              "a\\K", "(?(1)a|b)", "[[:nope:]]", "a{3,2}", "a{99999}", "[z-a]"}) {
    const ParseResult parsed = parse(pattern);
    EXPECT_FALSE(parsed.ok) << pattern;
    EXPECT_FALSE(parsed.error.empty()) << pattern;
  }
}

TEST(PatternParse, HostileSizesAndNestingAreBounded) {
  EXPECT_FALSE(parse(std::string(100000, '(') + std::string(100000, ')')).ok);
  EXPECT_FALSE(parse(std::string(kMaxNesting + 1, '(') + std::string(kMaxNesting + 1, ')')).ok);
  EXPECT_TRUE(
      parse(std::string(kMaxNesting - 1, '(') + "a" + std::string(kMaxNesting - 1, ')')).ok);
  EXPECT_FALSE(parse(std::string(kMaxPatternBytes + 1, 'a')).ok);
  std::string alternatives;
  for (int i = 0; i < 5000; ++i) alternatives += "ab|";
  EXPECT_TRUE(parse(alternatives + "c").ok);
  // Every prefix of a tricky pattern: parses or refuses, never crashes.
  const std::string tricky =
      R"((?i:a[\]\\x{41}-\x5a[:alpha:]]{2,}(?<!x)\Q(*)\E(?#c)|\g{-1}\k<n>)+?)";
  for (std::size_t n = 0; n <= tricky.size(); ++n) parse(tricky.substr(0, n));
}

TEST(PatternAnalyse, ExactWhenHyperscanTakesIt) {
  const Analysis a = analyse("(?i)union\\s+select");
  EXPECT_EQ(a.form, Form::exact);
  ASSERT_EQ(a.pieces.size(), 1u);
  EXPECT_EQ(a.pieces[0], "(?i)union\\s+select");
  EXPECT_TRUE(a.parsed);
  EXPECT_EQ(a.required, bytes_of("uU"));
  EXPECT_TRUE(a.may_match_lf);
  EXPECT_TRUE(a.error.empty());
}

TEST(PatternAnalyse, PrefilterForWhatHyperscanOnlyApproximates) {
  for (const char* pattern : {"(a)\\1", "(?<!x)y", "a(?!b)", "a++b"}) {
    const Analysis a = analyse(pattern);
    EXPECT_EQ(a.form, Form::prefilter) << pattern << ": " << a.hs_error;
    EXPECT_FALSE(a.hs_error.empty());
  }
}

TEST(PatternAnalyse, PcreOnlyAndInvalid) {
  // An end anchor inside a repeated group: Hyperscan refuses even a prefilter.
  EXPECT_EQ(analyse("^(?:a(?:,|$)){1,7}$").form, Form::pcre_only);
  const Analysis invalid = analyse("(unclosed");
  EXPECT_FALSE(invalid.error.empty());
  EXPECT_TRUE(invalid.pieces.empty());
}

TEST(PatternAnalyse, CapturesCountedByPcre2) { EXPECT_EQ(analyse("(a)(?:b)(c(d))").captures, 3); }

}  // namespace
}  // namespace centinela::pattern
