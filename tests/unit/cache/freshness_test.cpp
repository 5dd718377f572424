#include "cache/freshness.h"

#include <gtest/gtest.h>

#include <chrono>

#include "cache/cache_entry.h"

namespace centinela::cache {
namespace {

using std::chrono::seconds;

constexpr std::int64_t kNow = 1'780'272'000;  // 2026-06-01T00:00:00Z

// --- HTTP-date ---------------------------------------------------------------

TEST(FreshnessHttpDate, AllThreeFormsOfRfc9110) {
  constexpr std::int64_t kExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", kNow), kExample);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow), kExample);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994", kNow), kExample);
  EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994", kNow), kExample);  // 2DIGIT day
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
}

TEST(FreshnessHttpDate, CalendarEdges) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT", kNow), 0);
  EXPECT_EQ(parse_http_date("Tue, 29 Feb 2000 12:00:00 GMT", kNow), 951825600);
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:59 GMT", kNow), 1483228799);
  EXPECT_EQ(parse_http_date("Mon, 01 Jun 2026 00:00:00 GMT", kNow), kNow);
  EXPECT_EQ(parse_http_date("Wed, 31 Dec 1969 23:59:59 GMT", kNow), -1);
  // A leap second is accepted (it reads as the next minute's first second).
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT", kNow), 1483228800);
}

TEST(FreshnessHttpDate, Rfc850TwoDigitYearIsWithinFiftyYears) {
  // now is 2026: "76" is 2076 (50 years ahead, not more), "77" is 1977.
  EXPECT_EQ(parse_http_date("Wednesday, 01-Jan-76 00:00:00 GMT", kNow), 3345062400);
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-77 00:00:00 GMT", kNow), 220924800);
}

TEST(FreshnessHttpDate, StrictRejections) {
  for (const char* bad : {"",
                          "0",
                          "-1",
                          "now",
                          "Sun, 06 Nov 1994 08:49:37 gmt",
                          "Sun, 06 Nov 1994 08:49:37 UTC",
                          "sun, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 nov 1994 08:49:37 GMT",
                          "Sun, 6 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 94 08:49:37 GMT",
                          "Sun, 06 Nov 1994 8:49:37 GMT",
                          "Sun, 06 Nov 1994 24:00:00 GMT",
                          "Sun, 06 Nov 1994 08:60:00 GMT",
                          "Sun, 06 Nov 1994 08:49:61 GMT",
                          "Sun, 31 Feb 1994 08:49:37 GMT",
                          "Mon, 29 Feb 1900 00:00:00 GMT",
                          "Sun, 00 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 GMT junk",
                          "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun,  06 Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 08:49:37 +0000",
                          "Sunday, 06-Nov-1994 08:49:37 GMT",
                          "Sundae, 06-Nov-94 08:49:37 GMT",
                          "Sun, 06-Nov-94 08:49:37 GMT",
                          "Sun Nov  6 08:49:37 94",
                          "Sun Nov 6 08:49:37 1994",
                          "Sun Nov  6 08:49:37 1994 GMT",
                          "Sun, 0x Nov 1994 08:49:37 GMT",
                          "Sun, 06 Nov +994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date(bad, kNow).has_value()) << bad;
  }
}

TEST(FreshnessHttpDate, SurroundingWhitespaceIsTrimmed) {
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT\t", kNow), 784111777);
}

TEST(FreshnessHttpDate, DaysFromCivil) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  EXPECT_EQ(days_from_civil(9999, 12, 31), 2932896);
}

// --- plan_storage ------------------------------------------------------------

ResponseFacts facts_with(std::string_view cache_control, unsigned status = 200) {
  ResponseFacts f;
  f.method = "GET";
  f.status = status;
  f.steering.cache_control = cache_control;
  f.response_time = kNow;
  f.date = kNow;
  return f;
}

const config::CacheConfig kPlainRoute{};

TEST(FreshnessPlan, MaxAgeGivesTheLifetime) {
  const auto plan = plan_storage(facts_with("max-age=60"), kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 60);
  EXPECT_FALSE(plan.must_revalidate);
  EXPECT_FALSE(plan.heuristic);
  EXPECT_EQ(plan.stale_while_revalidate, -1);
  EXPECT_EQ(plan.stale_if_error, -1);
}

TEST(FreshnessPlan, SharedMaxAgeWinsAndImpliesProxyRevalidate) {
  const auto plan = plan_storage(facts_with("max-age=60, s-maxage=600"), kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 600);
  EXPECT_TRUE(plan.must_revalidate);
}

TEST(FreshnessPlan, MaxAgeWinsOverExpires) {
  auto f = facts_with("max-age=60");
  f.expires = kNow + 3600;
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, 60);
}

TEST(FreshnessPlan, ExpiresMinusDate) {
  auto f = facts_with("");
  f.date = kNow - 100;  // the origin's clock is behind ours: Date, not now, counts
  f.expires = kNow + 200;
  const auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 300);
}

TEST(FreshnessPlan, ExpiresWithoutDateUsesResponseTime) {
  auto f = facts_with("");
  f.date.reset();
  f.expires = kNow + 90;
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, 90);
}

TEST(FreshnessPlan, ExpiresInThePastOrInvalidIsStale) {
  auto f = facts_with("");
  f.expires = kNow - 10;
  f.has_validator = true;
  auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 0);

  f.expires.reset();
  f.expires_invalid = true;
  plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 0);
  EXPECT_FALSE(plan.heuristic);

  // Stale at once, nothing to revalidate with, no stale permission: useless.
  f.has_validator = false;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_freshness);
}

TEST(FreshnessPlan, HeuristicIsTenPercentOfDateMinusLastModified) {
  auto f = facts_with("");
  f.last_modified = kNow - 100'000;
  f.has_validator = true;
  const auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 10'000);
  EXPECT_TRUE(plan.heuristic);
}

TEST(FreshnessPlan, HeuristicIsCappedAtOneDay) {
  auto f = facts_with("");
  f.last_modified = kNow - 100 * 86400;
  f.has_validator = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, 86400);
}

TEST(FreshnessPlan, HeuristicOnlyForHeuristicallyCacheableStatusesOrPublic) {
  auto f = facts_with("", 302);
  f.last_modified = kNow - 100'000;
  f.has_validator = true;
  auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);  // stored for revalidation only
  EXPECT_EQ(plan.freshness_lifetime, 0);
  EXPECT_FALSE(plan.heuristic);

  f.steering.cache_control = "public";
  plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.freshness_lifetime, 10'000);
  EXPECT_TRUE(plan.heuristic);

  for (unsigned status : {200u, 203u, 204u, 300u, 301u, 308u, 404u, 405u, 410u, 414u, 501u}) {
    auto g = facts_with("", status);
    g.last_modified = kNow - 1000;
    g.has_validator = true;
    EXPECT_EQ(plan_storage(g, kPlainRoute).freshness_lifetime, 100) << status;
  }
}

TEST(FreshnessPlan, NoHeuristicWhenExplicitFreshnessIsPresent) {
  auto f = facts_with("max-age=5");
  f.last_modified = kNow - 100'000;
  const auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.freshness_lifetime, 5);
  EXPECT_FALSE(plan.heuristic);
}

TEST(FreshnessPlan, NothingToGoOnIsNotStored) {
  EXPECT_EQ(plan_storage(facts_with(""), kPlainRoute).verdict, StoreVerdict::no_freshness);
  // A Last-Modified in the future gives no heuristic lifetime, but still validates.
  auto f = facts_with("");
  f.last_modified = kNow + 10;
  f.has_validator = true;
  const auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 0);
}

TEST(FreshnessPlan, RouteTtlAppliesWhereTheOriginSaidNothing) {
  config::CacheConfig route;
  route.ttl = std::chrono::minutes(5);
  auto plan = plan_storage(facts_with(""), route);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 300);
  EXPECT_FALSE(plan.heuristic);

  // The origin's own freshness wins.
  EXPECT_EQ(plan_storage(facts_with("max-age=7"), route).freshness_lifetime, 7);
  auto f = facts_with("");
  f.expires = kNow + 20;
  EXPECT_EQ(plan_storage(f, route).freshness_lifetime, 20);

  // The route's ttl beats the Last-Modified heuristic.
  f = facts_with("");
  f.last_modified = kNow - 100'000;
  EXPECT_EQ(plan_storage(f, route).freshness_lifetime, 300);

  // Not for statuses outside the list, nor for no-store / private.
  EXPECT_EQ(plan_storage(facts_with("", 302), route).verdict, StoreVerdict::no_freshness);
  EXPECT_EQ(plan_storage(facts_with("no-store"), route).verdict, StoreVerdict::no_store);
  EXPECT_EQ(plan_storage(facts_with("private"), route).verdict, StoreVerdict::private_);
  EXPECT_EQ(plan_storage(facts_with("", 404), route).freshness_lifetime, 300);
}

TEST(FreshnessPlan, MethodStatusAndPartial) {
  auto f = facts_with("max-age=60");
  f.method = "POST";
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::method);
  f.method = "get";  // methods are case-sensitive
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::method);
  f.method = "HEAD";
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::ok);

  for (unsigned status : {100u, 304u, 400u, 403u, 500u, 502u, 503u, 504u, 299u}) {
    EXPECT_EQ(plan_storage(facts_with("max-age=60", status), kPlainRoute).verdict,
              StoreVerdict::status)
        << status;
  }
  for (unsigned status : {302u, 303u, 307u, 451u}) {
    EXPECT_EQ(plan_storage(facts_with("max-age=60", status), kPlainRoute).verdict, StoreVerdict::ok)
        << status;
  }
  EXPECT_EQ(plan_storage(facts_with("max-age=60", 206), kPlainRoute).verdict,
            StoreVerdict::partial);
  f = facts_with("max-age=60");
  f.has_content_range = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::partial);
}

TEST(FreshnessPlan, NoStoreAndPrivate) {
  EXPECT_EQ(plan_storage(facts_with("max-age=60, no-store"), kPlainRoute).verdict,
            StoreVerdict::no_store);
  auto f = facts_with("max-age=60");
  f.request_no_store = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_store);
  EXPECT_EQ(plan_storage(facts_with("max-age=60, private"), kPlainRoute).verdict,
            StoreVerdict::private_);
  EXPECT_EQ(plan_storage(facts_with("max-age=60, private=\"set-cookie\""), kPlainRoute).verdict,
            StoreVerdict::private_);
}

TEST(FreshnessPlan, MustUnderstandOverridesNoStoreForUnderstoodStatuses) {
  EXPECT_EQ(plan_storage(facts_with("max-age=60, no-store, must-understand"), kPlainRoute).verdict,
            StoreVerdict::ok);
  EXPECT_EQ(
      plan_storage(facts_with("max-age=60, no-store, must-understand", 299), kPlainRoute).verdict,
      StoreVerdict::status);
}

TEST(FreshnessPlan, TruncatedCacheControlIsNotStored) {
  std::string value = "max-age=60";
  for (int i = 0; i < 100; ++i) value += ", x";
  EXPECT_EQ(plan_storage(facts_with(value), kPlainRoute).verdict, StoreVerdict::no_store);
}

TEST(FreshnessPlan, AuthorizationNeedsExplicitPermission) {
  auto f = facts_with("max-age=60");
  f.request_has_credentials = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::authorization);
  config::CacheConfig route;
  route.ttl = std::chrono::minutes(1);
  f.steering.cache_control = "";
  EXPECT_EQ(plan_storage(f, route).verdict, StoreVerdict::authorization);
  for (const char* allowed : {"public, max-age=60", "s-maxage=60", "max-age=60, must-revalidate"}) {
    f.steering.cache_control = allowed;
    EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::ok) << allowed;
  }
}

TEST(FreshnessPlan, SetCookieOnlyWhenTheRouteAllows) {
  auto f = facts_with("max-age=60");
  f.has_set_cookie = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::set_cookie);
  config::CacheConfig route;
  route.store_set_cookie = true;
  EXPECT_EQ(plan_storage(f, route).verdict, StoreVerdict::ok);
}

TEST(FreshnessPlan, VaryStarIsNotStored) {
  auto f = facts_with("max-age=60");
  f.vary_star = true;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::vary_star);
}

TEST(FreshnessPlan, NoCacheIsStoredOnlyWithAValidator) {
  auto f = facts_with("max-age=60, no-cache");
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_freshness);
  f.has_validator = true;
  const auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_TRUE(plan.no_cache);
  EXPECT_EQ(plan.stale_while_revalidate, -1);
  EXPECT_EQ(plan.stale_if_error, -1);
}

TEST(FreshnessPlan, CdnCacheControlSteersAndCacheControlIsIgnored) {
  auto f = facts_with("no-store, private");
  f.steering.cdn_cache_control = "max-age=600";
  auto plan = plan_storage(f, kPlainRoute);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 600);

  // Expires is ignored too when a targeted field steers.
  f = facts_with("");
  f.steering.cdn_cache_control = "public";
  f.expires = kNow + 100;
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_freshness);

  // A targeted field with nothing recognised does not steer.
  f = facts_with("max-age=30");
  f.steering.cdn_cache_control = "x-unknown";
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, 30);

  // The targeted field's own no-store counts.
  f = facts_with("max-age=30");
  f.steering.cdn_cache_control = "no-store";
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_store);
}

TEST(FreshnessPlan, CentinelaCacheControlBeatsCdnCacheControl) {
  auto f = facts_with("max-age=1");
  f.steering.cdn_cache_control = "max-age=2";
  f.steering.centinela_cache_control = "max-age=3";
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, 3);
  f.steering.centinela_cache_control = "no-store";
  EXPECT_EQ(plan_storage(f, kPlainRoute).verdict, StoreVerdict::no_store);
}

TEST(FreshnessPlan, StaleWindowsFromTheOriginElseTheRoute) {
  config::CacheConfig route;
  route.stale_while_revalidate = std::chrono::seconds(60);
  route.stale_if_error = std::chrono::hours(1);

  auto plan = plan_storage(facts_with("max-age=10, stale-while-revalidate=5"), route);
  EXPECT_EQ(plan.stale_while_revalidate, 5);
  EXPECT_EQ(plan.stale_if_error, 3600);

  plan = plan_storage(facts_with("max-age=10"), kPlainRoute);
  EXPECT_EQ(plan.stale_while_revalidate, -1);
  EXPECT_EQ(plan.stale_if_error, -1);

  // must-revalidate / proxy-revalidate forbid serving stale at all.
  for (const char* cc : {"max-age=10, must-revalidate, stale-while-revalidate=5",
                         "max-age=10, proxy-revalidate, stale-if-error=5"}) {
    plan = plan_storage(facts_with(cc), route);
    EXPECT_TRUE(plan.must_revalidate) << cc;
    EXPECT_EQ(plan.stale_while_revalidate, -1) << cc;
    EXPECT_EQ(plan.stale_if_error, -1) << cc;
  }

  // s-maxage: only the origin's explicit stale-* count.
  plan = plan_storage(facts_with("s-maxage=1, stale-while-revalidate=59"), route);
  EXPECT_EQ(plan.stale_while_revalidate, 59);
  EXPECT_EQ(plan.stale_if_error, -1);
}

TEST(FreshnessPlan, StalePermissionMakesAStaleResponseWorthStoring) {
  config::CacheConfig route;
  route.stale_if_error = std::chrono::minutes(10);
  const auto plan = plan_storage(facts_with("max-age=0"), route);
  EXPECT_EQ(plan.verdict, StoreVerdict::ok);
  EXPECT_EQ(plan.freshness_lifetime, 0);
  EXPECT_EQ(plan.stale_if_error, 600);
}

TEST(FreshnessPlan, HugeLifetimesAreClamped) {
  auto f = facts_with("");
  f.expires = *parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT", kNow);
  EXPECT_EQ(plan_storage(f, kPlainRoute).freshness_lifetime, kMaxDeltaSeconds);
  EXPECT_EQ(
      plan_storage(facts_with("immutable, max-age=99999999999"), kPlainRoute).freshness_lifetime,
      kMaxDeltaSeconds);
  EXPECT_TRUE(plan_storage(facts_with("immutable, max-age=9"), kPlainRoute).immutable);
}

TEST(FreshnessPlan, VerdictNames) {
  EXPECT_EQ(to_string(StoreVerdict::ok), "ok");
  EXPECT_EQ(to_string(StoreVerdict::no_store), "no-store");
  EXPECT_EQ(to_string(StoreVerdict::authorization), "authorization");
}

// --- current_age (RFC 9111 §4.2.3) -------------------------------------------

TEST(FreshnessAge, CorrectedAgeValueDominates) {
  CacheEntry e;
  e.request_time = 1000;
  e.response_time = 1002;  // response_delay 2
  e.date_value = 999;      // apparent_age 3
  e.age_value = 5;         // corrected_age_value 5 + 2 = 7
  EXPECT_EQ(current_age(e, 1002), 7);
  EXPECT_EQ(current_age(e, 1012), 17);  // + resident_time 10
}

TEST(FreshnessAge, ApparentAgeDominates) {
  CacheEntry e;
  e.request_time = 1000;
  e.response_time = 1002;
  e.date_value = 980;  // apparent_age 22
  e.age_value = 5;     // corrected_age_value 7
  EXPECT_EQ(current_age(e, 1012), 32);
}

TEST(FreshnessAge, ClockSkewNeverMakesAgeNegative) {
  CacheEntry e;
  e.request_time = 1000;
  e.response_time = 1000;
  e.date_value = 2000;  // the origin's clock is ahead
  e.age_value = 0;
  EXPECT_EQ(current_age(e, 1000), 0);
  EXPECT_EQ(current_age(e, 990), 0);  // our clock stepped back
  EXPECT_EQ(current_age(e, 1030), 30);
}

// --- decide_use --------------------------------------------------------------

CacheEntry& stored_at(CacheEntry& e, std::int64_t t, std::int64_t lifetime) {
  e.request_time = t;
  e.response_time = t;
  e.date_value = t;
  e.freshness_lifetime = lifetime;
  return e;
}

TEST(FreshnessUse, FreshThenStale) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  auto d = decide_use(e, {}, 1059);
  EXPECT_EQ(d.use, Usability::fresh);
  EXPECT_EQ(d.age, 59);
  EXPECT_EQ(d.ttl, 1);
  EXPECT_TRUE(d.stale_if_error_ok);  // fresh entries may always stand in

  d = decide_use(e, {}, 1060);  // age == lifetime: stale
  EXPECT_EQ(d.use, Usability::must_revalidate);
  EXPECT_EQ(d.ttl, 0);
  EXPECT_FALSE(d.stale_if_error_ok);
}

TEST(FreshnessUse, StaleWhileRevalidateWindow) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  e.stale_while_revalidate = 30;
  EXPECT_EQ(decide_use(e, {}, 1060).use, Usability::stale_revalidate_in_background);
  EXPECT_EQ(decide_use(e, {}, 1089).use, Usability::stale_revalidate_in_background);
  EXPECT_EQ(decide_use(e, {}, 1090).use, Usability::must_revalidate);
  EXPECT_EQ(decide_use(e, {}, 1089).ttl, -29);
}

TEST(FreshnessUse, StaleIfErrorWindow) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  e.stale_if_error = 100;
  EXPECT_TRUE(decide_use(e, {}, 1159).stale_if_error_ok);
  EXPECT_FALSE(decide_use(e, {}, 1160).stale_if_error_ok);
  EXPECT_EQ(decide_use(e, {}, 1100).use, Usability::must_revalidate);
}

TEST(FreshnessUse, RequestMaxAgeAndMinFresh) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  RequestDirectives r;
  r.max_age = 10;
  EXPECT_EQ(decide_use(e, r, 1010).use, Usability::fresh);
  EXPECT_EQ(decide_use(e, r, 1011).use, Usability::must_revalidate);

  r = {};
  r.min_fresh = 20;
  EXPECT_EQ(decide_use(e, r, 1040).use, Usability::fresh);  // 20 s left
  EXPECT_EQ(decide_use(e, r, 1041).use, Usability::must_revalidate);

  // The client's limits also rule out serving stale under SWR.
  e.stale_while_revalidate = 1000;
  r = {};
  r.max_age = 30;
  EXPECT_EQ(decide_use(e, r, 1070).use, Usability::must_revalidate);
  r = {};
  r.min_fresh = 1;
  EXPECT_EQ(decide_use(e, r, 1070).use, Usability::must_revalidate);
}

TEST(FreshnessUse, RequestMaxStale) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  RequestDirectives r;
  r.max_stale = 10;
  EXPECT_EQ(decide_use(e, r, 1070).use, Usability::stale_revalidate_in_background);
  EXPECT_EQ(decide_use(e, r, 1071).use, Usability::must_revalidate);
  r = {};
  r.max_stale_any = true;
  EXPECT_EQ(decide_use(e, r, 999'999).use, Usability::stale_revalidate_in_background);

  // must-revalidate (and s-maxage) entries ignore max-stale.
  e.must_revalidate = true;
  EXPECT_EQ(decide_use(e, r, 1061).use, Usability::must_revalidate);
}

TEST(FreshnessUse, RequestNoCache) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  e.stale_while_revalidate = 100;
  RequestDirectives r;
  r.no_cache = true;
  EXPECT_EQ(decide_use(e, r, 1010).use, Usability::must_revalidate);
  EXPECT_EQ(decide_use(e, r, 1070).use, Usability::must_revalidate);
  e.immutable = true;  // RFC 8246: no need to ask while fresh
  EXPECT_EQ(decide_use(e, r, 1010).use, Usability::fresh);
  EXPECT_EQ(decide_use(e, r, 1070).use, Usability::must_revalidate);
}

TEST(FreshnessUse, NoCacheEntriesAlwaysRevalidate) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  e.no_cache = true;
  e.stale_if_error = 1000;  // not set by plan_storage for no-cache, but must not matter
  const auto d = decide_use(e, {}, 1001);
  EXPECT_EQ(d.use, Usability::must_revalidate);
  EXPECT_FALSE(d.stale_if_error_ok);
}

TEST(FreshnessUse, AgeFromTheOriginCounts) {
  CacheEntry e;
  stored_at(e, 1000, 60);
  e.age_value = 50;  // an upstream cache already held it for 50 s
  auto d = decide_use(e, {}, 1005);
  EXPECT_EQ(d.age, 55);
  EXPECT_EQ(d.use, Usability::fresh);
  EXPECT_EQ(decide_use(e, {}, 1010).use, Usability::must_revalidate);
}

}  // namespace
}  // namespace centinela::cache
