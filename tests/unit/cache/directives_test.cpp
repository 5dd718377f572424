#include "cache/directives.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace centinela::cache {
namespace {

TEST(DirectivesResponse, ReadsValuesAndFlags) {
  const auto d = parse_response_directives(
      "public, max-age=60, s-maxage=120, stale-while-revalidate=30, stale-if-error=3600, "
      "must-revalidate, proxy-revalidate, immutable, no-transform");
  EXPECT_EQ(d.max_age, 60);
  EXPECT_EQ(d.s_maxage, 120);
  EXPECT_EQ(d.stale_while_revalidate, 30);
  EXPECT_EQ(d.stale_if_error, 3600);
  EXPECT_TRUE(d.public_);
  EXPECT_TRUE(d.must_revalidate);
  EXPECT_TRUE(d.proxy_revalidate);
  EXPECT_TRUE(d.immutable);
  EXPECT_TRUE(d.no_transform);
  EXPECT_FALSE(d.no_store);
  EXPECT_FALSE(d.no_cache);
  EXPECT_FALSE(d.private_);
  EXPECT_TRUE(d.any);
  EXPECT_FALSE(d.truncated);
}

TEST(DirectivesResponse, NamesAreCaseInsensitive) {
  const auto d = parse_response_directives("MAX-AGE=5, No-Store, PRIVATE, Must-Understand");
  EXPECT_EQ(d.max_age, 5);
  EXPECT_TRUE(d.no_store);
  EXPECT_TRUE(d.private_);
  EXPECT_TRUE(d.must_understand);
}

TEST(DirectivesResponse, QuotedNumbersAreAccepted) {
  EXPECT_EQ(parse_response_directives("max-age=\"60\"").max_age, 60);
  EXPECT_EQ(parse_response_directives("s-maxage=\"7\"").s_maxage, 7);
}

TEST(DirectivesResponse, QuotedCommasDoNotSplitMembers) {
  const auto d =
      parse_response_directives("no-cache=\"set-cookie, max-age=5\", private=\"x, s-maxage=9\"");
  EXPECT_TRUE(d.no_cache);
  EXPECT_TRUE(d.private_);
  EXPECT_FALSE(d.max_age.has_value());
  EXPECT_FALSE(d.s_maxage.has_value());
}

TEST(DirectivesResponse, EscapedQuoteInsideQuotedString) {
  const auto d = parse_response_directives(R"(private="a\", max-age=5", max-age=7)");
  EXPECT_TRUE(d.private_);
  EXPECT_EQ(d.max_age, 7);
}

TEST(DirectivesResponse, UnterminatedQuoteSwallowsTheRestButKeepsTheRestriction) {
  const auto d = parse_response_directives("no-cache=\"abc, max-age=5");
  EXPECT_TRUE(d.no_cache);
  EXPECT_FALSE(d.max_age.has_value());
}

TEST(DirectivesResponse, InvalidMaxAgeMakesTheResponseStale) {
  EXPECT_EQ(parse_response_directives("max-age=abc").max_age, 0);
  EXPECT_EQ(parse_response_directives("max-age=-1").max_age, 0);
  EXPECT_EQ(parse_response_directives("max-age").max_age, 0);
  EXPECT_EQ(parse_response_directives("max-age=").max_age, 0);
  EXPECT_EQ(parse_response_directives("max-age=5 junk").max_age, 0);
  EXPECT_EQ(parse_response_directives("max-age=1.5").max_age, 0);
}

TEST(DirectivesResponse, OtherInvalidArgumentsAreIgnored) {
  const auto d = parse_response_directives(
      "s-maxage=abc, stale-while-revalidate=x, stale-if-error=-5, public=1, immutable=\"y\"");
  EXPECT_FALSE(d.s_maxage.has_value());
  EXPECT_FALSE(d.stale_while_revalidate.has_value());
  EXPECT_FALSE(d.stale_if_error.has_value());
  EXPECT_FALSE(d.public_);
  EXPECT_FALSE(d.immutable);
}

TEST(DirectivesResponse, HugeNumbersSaturate) {
  const auto d = parse_response_directives(
      "max-age=99999999999999999999, s-maxage=2147483649, stale-if-error=2147483647");
  EXPECT_EQ(d.max_age, kMaxDeltaSeconds);
  EXPECT_EQ(d.s_maxage, kMaxDeltaSeconds);
  EXPECT_EQ(d.stale_if_error, 2147483647);
}

TEST(DirectivesResponse, WhitespaceAndEmptyMembers) {
  const auto d = parse_response_directives(" ,, \t max-age = 30 ,,public ,");
  EXPECT_EQ(d.max_age, 30);
  EXPECT_TRUE(d.public_);
}

TEST(DirectivesResponse, DuplicatesTakeTheMostRestrictive) {
  EXPECT_EQ(parse_response_directives("max-age=60, max-age=60").max_age, 60);
  // RFC 9111 §4.2.1: conflicting values → stale.
  EXPECT_EQ(parse_response_directives("max-age=60, max-age=120").max_age, 0);
  EXPECT_EQ(parse_response_directives("s-maxage=60, s-maxage=10").s_maxage, 0);
  EXPECT_EQ(parse_response_directives("max-age=60, max-age=abc").max_age, 0);
  EXPECT_EQ(parse_response_directives("stale-while-revalidate=30, stale-while-revalidate=10")
                .stale_while_revalidate,
            10);
  EXPECT_EQ(parse_response_directives("stale-if-error=5, stale-if-error=50").stale_if_error, 5);
}

TEST(DirectivesResponse, UnknownDirectivesAreIgnored) {
  const auto d = parse_response_directives("foo, bar=\"baz\", x=1");
  EXPECT_FALSE(d.any);
  EXPECT_FALSE(d.no_store);
  EXPECT_FALSE(d.max_age.has_value());
}

TEST(DirectivesResponse, EmptyValue) {
  const auto d = parse_response_directives("");
  EXPECT_FALSE(d.any);
  EXPECT_FALSE(d.truncated);
}

TEST(DirectivesResponse, ExactlyTheLimitIsReadWhole) {
  std::string value;
  for (int i = 0; i < kMaxDirectives - 1; ++i) value += "x-unknown, ";
  value += "no-store";
  const auto d = parse_response_directives(value);
  EXPECT_TRUE(d.no_store);
  EXPECT_FALSE(d.truncated);
}

TEST(DirectivesResponse, TenThousandDirectivesAreCutShortAndFlagged) {
  std::string value;
  for (int i = 0; i < 10000; ++i) value += "x-unknown, ";
  value += "no-store";
  const auto start = std::chrono::steady_clock::now();
  const auto d = parse_response_directives(value);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(d.truncated);
  EXPECT_FALSE(d.no_store);  // never reached: the caller refuses to store instead
  EXPECT_LT(elapsed, std::chrono::milliseconds(50));
}

TEST(DirectivesResponse, HundredKibibyteHeaderIsHarmless) {
  const std::string junk(100 * 1024, 'a');
  auto d = parse_response_directives(junk);
  EXPECT_FALSE(d.any);
  EXPECT_FALSE(d.truncated);

  d = parse_response_directives("private=\"" + junk + "\", max-age=5");
  EXPECT_TRUE(d.private_);
  EXPECT_EQ(d.max_age, 5);

  d = parse_response_directives("max-age=" + std::string(100 * 1024, '9'));
  EXPECT_EQ(d.max_age, kMaxDeltaSeconds);

  d = parse_response_directives(std::string(100 * 1024, '"'));
  EXPECT_FALSE(d.any);

  d = parse_response_directives(std::string(100 * 1024, ','));
  EXPECT_FALSE(d.any);
  EXPECT_FALSE(d.truncated);
}

TEST(DirectivesResponse, BinaryBytesDoNotConfuseTheParser) {
  const char raw[] = "max-age=5,\0\xff\x01, no-store";
  const std::string value(raw, sizeof(raw) - 1);
  const auto d = parse_response_directives(value);
  EXPECT_EQ(d.max_age, 5);
  EXPECT_TRUE(d.no_store);
}

TEST(DirectivesRequest, ReadsAllDirectives) {
  const auto d = parse_request_directives(
      "max-age=10, max-stale=20, min-fresh=5, no-cache, no-store, only-if-cached, no-transform");
  EXPECT_EQ(d.max_age, 10);
  EXPECT_EQ(d.max_stale, 20);
  EXPECT_FALSE(d.max_stale_any);
  EXPECT_EQ(d.min_fresh, 5);
  EXPECT_TRUE(d.no_cache);
  EXPECT_TRUE(d.no_store);
  EXPECT_TRUE(d.only_if_cached);
  EXPECT_TRUE(d.no_transform);
}

TEST(DirectivesRequest, MaxStaleWithoutValueMeansAny) {
  const auto d = parse_request_directives("max-stale");
  EXPECT_TRUE(d.max_stale_any);
  EXPECT_FALSE(d.max_stale.has_value());
}

TEST(DirectivesRequest, DuplicatesTakeTheMostRestrictive) {
  auto d = parse_request_directives("max-stale, max-stale=5, max-stale=9");
  EXPECT_FALSE(d.max_stale_any);
  EXPECT_EQ(d.max_stale, 5);
  d = parse_request_directives("max-age=60, max-age=10, min-fresh=1, min-fresh=20");
  EXPECT_EQ(d.max_age, 10);
  EXPECT_EQ(d.min_fresh, 20);
}

TEST(DirectivesRequest, InvalidArgumentsAreIgnored) {
  const auto d = parse_request_directives("max-age=abc, min-fresh=-1, max-stale=x");
  EXPECT_FALSE(d.max_age.has_value());
  EXPECT_FALSE(d.min_fresh.has_value());
  EXPECT_FALSE(d.max_stale.has_value());
  EXPECT_FALSE(d.max_stale_any);
}

TEST(DirectivesRequest, TruncatedIsFlagged) {
  std::string value;
  for (int i = 0; i < 100; ++i) value += "a,";
  EXPECT_TRUE(parse_request_directives(value).truncated);
}

TEST(DeltaSeconds, DigitsOnlySaturating) {
  EXPECT_EQ(parse_delta_seconds("0"), 0);
  EXPECT_EQ(parse_delta_seconds("0042"), 42);
  EXPECT_EQ(parse_delta_seconds("2147483648"), kMaxDeltaSeconds);
  EXPECT_EQ(parse_delta_seconds("99999999999999999999999999999"), kMaxDeltaSeconds);
  EXPECT_FALSE(parse_delta_seconds(""));
  EXPECT_FALSE(parse_delta_seconds("-1"));
  EXPECT_FALSE(parse_delta_seconds("1 "));
  EXPECT_FALSE(parse_delta_seconds("99999999999999999999x"));
}

}  // namespace
}  // namespace centinela::cache
