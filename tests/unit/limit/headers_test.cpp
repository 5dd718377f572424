#include <gtest/gtest.h>

#include "limit/rate_limit_headers.h"

namespace centinela::limit {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(RateLimitHeaders, PolicyFieldIsAnSfListOfNamedPolicies) {
  std::vector<Policy> policies = {make_gcra_policy(100, 900 * kSecond),
                                  make_gcra_policy(20, 60 * kSecond, 5)};
  policies[0].name = "per_ip";
  policies[1].name = "per_user";
  EXPECT_EQ(format_policy_field(policies), R"("per_ip";q=100;w=900, "per_user";q=20;w=60)");
}

TEST(RateLimitHeaders, LimitFieldRoundsSecondsUp) {
  Policy minute = make_gcra_policy(100, 60 * kSecond);
  minute.name = "per-minute";
  Policy day = make_gcra_policy(5000, 86400 * kSecond);
  day.name = "per-day";
  std::string field;
  append_limit_member(field, minute, Decision{false, 0, 16 * kSecond + 1, 0});
  append_limit_member(field, day, Decision{true, 4212, 51342 * kSecond, 0});
  EXPECT_EQ(field, R"("per-minute";r=0;t=17, "per-day";r=4212;t=51342)");
}

TEST(RateLimitHeaders, SubSecondWindowsSayOneSecond) {
  Policy policy = make_gcra_policy(5, 250'000'000);
  policy.name = "fast";
  EXPECT_EQ(format_policy_field(std::span<const Policy>(&policy, 1)), R"("fast";q=5;w=1)");
}

TEST(RateLimitHeaders, SfStringEscapesQuoteAndBackslashDropsControls) {
  std::string out;
  append_sf_string(out, "a\"b\\c\x01\xff");
  EXPECT_EQ(out, R"("a\"b\\c")");
}

TEST(RateLimitHeaders, TooManyRequestsBodyCarriesRetryAfter) {
  stage::LocalResponse response = make_rate_limited_response(7, "rate limit exceeded", "req-1");
  EXPECT_EQ(response.status, 429u);
  EXPECT_EQ(response.body,
            R"({"error":{"status":429,"code":"RATE_LIMITED","message":"rate limit exceeded",)"
            R"("request_id":"req-1","retry_after_s":7}})");
  EXPECT_EQ(response.headers[boost::beast::http::field::retry_after], "7");
  EXPECT_EQ(response.headers[boost::beast::http::field::content_type], "application/json");
}

TEST(RateLimitHeaders, RetryAfterIsAtLeastOneSecond) {
  EXPECT_EQ(retry_after_seconds(Decision{false, 0, 0, 1}), 1);
  EXPECT_EQ(retry_after_seconds(Decision{false, 0, 0, 1'500'000'000}), 2);
}

}  // namespace
}  // namespace centinela::limit
