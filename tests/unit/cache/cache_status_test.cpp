// X-Cache, Cache-Status (RFC 9211) and Age, as the one builder renders them.
#include "cache/cache_status.h"

#include <gtest/gtest.h>

#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

std::string status_of(const StatusReport& report) {
  return std::string(CacheStatusText(report).view());
}

TEST(CacheStatus, EveryOutcomeAsTheClientSeesIt) {
  EXPECT_EQ(status_of({.outcome = Outcome::hit, .age = 3, .ttl = 57}), "centinela; hit; ttl=57");
  EXPECT_EQ(status_of({.outcome = Outcome::hit, .detail = "coalesced", .ttl = 60}),
            "centinela; hit; detail=coalesced; ttl=60");
  EXPECT_EQ(status_of({.outcome = Outcome::stale, .age = 70, .ttl = -10}),
            "centinela; hit; fwd=stale; ttl=-10");
  EXPECT_EQ(status_of({.outcome = Outcome::stale, .detail = "stale-if-error", .ttl = -5}),
            "centinela; hit; fwd=stale; detail=stale-if-error; ttl=-5");
  EXPECT_EQ(status_of({.outcome = Outcome::revalidated, .fwd_status = 304, .age = 1}),
            "centinela; fwd=stale; fwd-status=304");
  EXPECT_EQ(status_of({.outcome = Outcome::miss, .fwd_status = 200, .stored = true}),
            "centinela; fwd=miss; fwd-status=200; stored");
  EXPECT_EQ(status_of({.outcome = Outcome::miss, .detail = "no-store", .fwd_status = 200}),
            "centinela; fwd=miss; fwd-status=200; detail=no-store");
  EXPECT_EQ(status_of({.outcome = Outcome::miss,
                       .revalidating = true,
                       .detail = "too-large",
                       .fwd_status = 200}),
            "centinela; fwd=stale; fwd-status=200; detail=too-large");
  EXPECT_EQ(status_of({.outcome = Outcome::bypass, .detail = "range"}),
            "centinela; fwd=bypass; detail=range");
}

TEST(CacheStatus, XCacheNamesTheOutcome) {
  EXPECT_EQ(x_cache_value(Outcome::hit), "HIT");
  EXPECT_EQ(x_cache_value(Outcome::stale), "STALE");
  EXPECT_EQ(x_cache_value(Outcome::revalidated), "REVALIDATED");
  EXPECT_EQ(x_cache_value(Outcome::miss), "MISS");
  EXPECT_EQ(x_cache_value(Outcome::bypass), "BYPASS");
}

TEST(CacheStatus, FieldsReplaceTheUpstreamsAndAgeOnlyForStoredAnswers) {
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  fields.add("X-Cache", "HIT from some-cdn");
  fields.add("Cache-Status", "some-cdn; hit");
  set_status_fields(fields, {.outcome = Outcome::miss, .fwd_status = 200, .stored = true});
  EXPECT_EQ(fields.joined("X-Cache"), "MISS");
  EXPECT_EQ(fields.joined("Cache-Status"), "centinela; fwd=miss; fwd-status=200; stored");
  EXPECT_FALSE(fields.contains("Age"));

  stage::ResponseFields hit(arena);
  set_status_fields(hit, {.outcome = Outcome::hit, .age = 42, .ttl = 18});
  EXPECT_EQ(hit.find("Age"), "42");
  EXPECT_EQ(hit.find("X-Cache"), "HIT");
}

TEST(CacheStatus, HeadersForAReplacementCarryTheSameValues) {
  std::vector<std::pair<std::string, std::string>> headers;
  add_status_headers(
      headers, {.outcome = Outcome::stale, .detail = "stale-if-error", .age = 90, .ttl = -30});
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"Age", "90"}));
  EXPECT_EQ(headers[1], (std::pair<std::string, std::string>{"X-Cache", "STALE"}));
  EXPECT_EQ(headers[2].second, "centinela; hit; fwd=stale; detail=stale-if-error; ttl=-30");
}

TEST(CacheStatus, AHostileDetailIsCutAtTheBufferNotBeyond) {
  const std::string long_detail(1000, 'x');
  const std::string text = status_of({.outcome = Outcome::bypass, .detail = long_detail});
  EXPECT_LE(text.size(), 160u);
  EXPECT_TRUE(text.starts_with("centinela; fwd=bypass; detail=xxx"));
}

}  // namespace
}  // namespace centinela::cache
