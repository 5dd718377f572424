// A route's `cache.override` in the storage and lifetime decisions: what the
// operator's ignore list, ttl_by_status and authorization: per_user change —
// and that nothing changes without them.
#include <gtest/gtest.h>

#include "cache/lookup_plan.h"
#include "cache/status_ttl.h"
#include "cache/store_plan.h"
#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

constexpr std::int64_t kNow = 1'780'272'000;  // Mon, 01 Jun 2026 00:00:00 GMT
constexpr const char* kDate = "Mon, 01 Jun 2026 00:00:00 GMT";
constexpr const char* kInAnHour = "Mon, 01 Jun 2026 01:00:00 GMT";

class OverridePlanTest : public ::testing::Test {
 protected:
  stage::ResponseFields fields(std::vector<std::pair<std::string, std::string>> list) {
    stage::ResponseFields out(arena_);
    for (const auto& [name, value] : list) out.add(name, value);
    return out;
  }
  StorePlan plan(const stage::ResponseFields& f, unsigned status = 200, bool credentials = false,
                 bool user_entry = false) {
    return plan_store(f, status, "GET", credentials, policy_, kNow, user_entry);
  }
  config::CacheOverrideConfig& rules() { return policy_.overrides; }
  void ttl(const char* status, config::Duration d) { rules().ttl_by_status.push_back({status, d}); }

  stage::Arena arena_;
  config::CacheConfig policy_;
  RequestHead request_;
  EntryIdentity identity_{.key = "k", .host = "example.test", .path_and_query = "/doc"};
};

TEST_F(OverridePlanTest, StatusTtlPrefersTheCodeThenTheClassThenAny) {
  config::CacheOverrideConfig r;
  r.ttl_by_status = {{"404", 30s}, {"2xx", 5min}, {"any", 0s}};
  EXPECT_EQ(status_ttl(r, 404), 30);
  EXPECT_EQ(status_ttl(r, 200), 300);
  EXPECT_EQ(status_ttl(r, 204), 300);
  EXPECT_EQ(status_ttl(r, 410), 0);
  EXPECT_EQ(status_ttl(r, 503), 0);
  r.ttl_by_status = {{"5xx", 10s}};
  EXPECT_EQ(status_ttl(r, 502), 10);
  EXPECT_FALSE(status_ttl(r, 200).has_value());
  EXPECT_FALSE(status_ttl(config::CacheOverrideConfig{}, 200).has_value());
}

TEST_F(OverridePlanTest, WithoutOverrideTheOriginStillDecides) {
  EXPECT_EQ(plan(fields({{"Cache-Control", "no-store, max-age=60"}})).verdict(),
            StoreVerdict::no_store);
  EXPECT_EQ(plan(fields({{"Cache-Control", "private, max-age=60"}})).verdict(),
            StoreVerdict::private_);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}, {"Set-Cookie", "s=1"}})).verdict(),
            StoreVerdict::set_cookie);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 500).verdict(), StoreVerdict::status);
  // A user's entry does not relax `private` unless the route says per_user...
  EXPECT_EQ(plan(fields({{"Cache-Control", "private, max-age=60"}}), 200, false, false).verdict(),
            StoreVerdict::private_);
  // ...and user_entry() is false without it.
  identity_.user = "alice";
  EXPECT_FALSE(user_entry(policy_, identity_));
}

TEST_F(OverridePlanTest, IgnoringCacheControlStoresNoStoreAndPrivateForTheRouteTtl) {
  rules().ignore_cache_control = true;
  policy_.ttl = 2min;
  for (const char* cc : {"no-store", "private", "no-cache", "max-age=5", "must-revalidate"}) {
    const StorePlan p = plan(fields({{"Cache-Control", cc}, {"Date", kDate}}));
    EXPECT_EQ(p.verdict(), StoreVerdict::ok) << cc;
    EXPECT_EQ(p.plan.freshness_lifetime, 120) << cc;
    EXPECT_FALSE(p.plan.no_cache || p.plan.must_revalidate) << cc;
  }
  // CDN-Cache-Control is the origin's too; Centinela-Cache-Control, written
  // for this cache alone, still steers.
  EXPECT_EQ(plan(fields({{"CDN-Cache-Control", "no-store"}})).verdict(), StoreVerdict::ok);
  EXPECT_EQ(plan(fields({{"Centinela-Cache-Control", "no-store"}})).verdict(),
            StoreVerdict::no_store);
  // Expires still gives the lifetime unless it is ignored too.
  EXPECT_EQ(plan(fields({{"Date", kDate}, {"Expires", kInAnHour}})).plan.freshness_lifetime, 3600);
  rules().ignore_expires = true;
  EXPECT_EQ(plan(fields({{"Date", kDate}, {"Expires", kInAnHour}})).plan.freshness_lifetime, 120);
}

TEST_F(OverridePlanTest, IgnoringCacheControlNeverSharesAnAnswerToACredential) {
  rules().ignore_cache_control = true;
  policy_.ttl = 2min;
  EXPECT_EQ(plan(fields({{"Cache-Control", "public, max-age=60"}}), 200, true).verdict(),
            StoreVerdict::authorization);
}

TEST_F(OverridePlanTest, IgnoringExpiresAloneKeepsCacheControl) {
  rules().ignore_expires = true;
  EXPECT_EQ(plan(fields({{"Date", kDate}, {"Expires", kInAnHour}})).verdict(),
            StoreVerdict::no_freshness);
  EXPECT_EQ(plan(fields({{"Date", kDate}, {"Expires", "0"}, {"Cache-Control", "max-age=60"}}))
                .plan.freshness_lifetime,
            60);
  EXPECT_EQ(plan(fields({{"Cache-Control", "no-store, max-age=60"}})).verdict(),
            StoreVerdict::no_store);
}

TEST_F(OverridePlanTest, IgnoringSetCookieStoresTheResponseWithoutIt) {
  rules().ignore_set_cookie = true;
  const auto f = fields({{"Cache-Control", "max-age=60"},
                         {"Set-Cookie", "session=alice-secret"},
                         {"Set-Cookie", "theme=dark"},
                         {"X-Custom", "kept"}});
  const StorePlan p = plan(f);
  ASSERT_EQ(p.verdict(), StoreVerdict::ok);
  auto entry = build_entry({identity_, request_, policy_.store_set_cookie, kNow, kNow}, f, 200, p);
  EXPECT_EQ(entry->header_lines.find("Set-Cookie"), std::string::npos) << entry->header_lines;
  EXPECT_EQ(entry->header_lines.find("alice-secret"), std::string::npos);
  EXPECT_NE(entry->header_lines.find("X-Custom: kept\r\n"), std::string::npos);
}

TEST_F(OverridePlanTest, TtlByStatusStoresWhatItListsAndRefusesWhatItZeroes) {
  ttl("404", 30s);
  ttl("5xx", 0s);
  ttl("2xx", 5min);
  ttl("403", 1min);
  // The status's lifetime where the origin gives none...
  EXPECT_EQ(plan(fields({}), 404).plan.freshness_lifetime, 30);
  EXPECT_EQ(plan(fields({}), 200).plan.freshness_lifetime, 300);
  // ...also for a status not stored otherwise.
  EXPECT_EQ(plan(fields({}), 403).verdict(), StoreVerdict::ok);
  EXPECT_EQ(plan(fields({}), 403).plan.freshness_lifetime, 60);
  // The origin's own lifetime comes first, as in nginx.
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=7"}}), 200).plan.freshness_lifetime, 7);
  // 0: never stored, whatever the origin says.
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 503).verdict(), StoreVerdict::status);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 501).verdict(), StoreVerdict::status);
  // Unlisted statuses keep the RFC's rules; partial content is never stored.
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 301).verdict(), StoreVerdict::ok);
  EXPECT_EQ(plan(fields({}), 301).verdict(), StoreVerdict::no_freshness);
  EXPECT_EQ(plan(fields({}), 206).verdict(), StoreVerdict::partial);
  // Over the route's ttl.
  policy_.ttl = 1h;
  EXPECT_EQ(plan(fields({}), 200).plan.freshness_lifetime, 300);
}

TEST_F(OverridePlanTest, PerUserEntriesStorePrivateAnswersToCredentials) {
  rules().authorization = config::CacheAuthorization::per_user;
  policy_.ttl = 1min;
  identity_.user = "alice";
  ASSERT_TRUE(user_entry(policy_, identity_));
  // Keyed per user, the answer is not shared: stored without `public`.
  EXPECT_EQ(plan(fields({}), 200, false, true).verdict(), StoreVerdict::ok);
  EXPECT_EQ(plan(fields({{"Cache-Control", "private, max-age=60"}}), 200, false, true).verdict(),
            StoreVerdict::ok);
  EXPECT_EQ(plan(fields({{"Cache-Control", "no-store"}}), 200, false, true).verdict(),
            StoreVerdict::no_store);
  // An answer kept in a shared entry still needs the origin's word.
  EXPECT_EQ(plan(fields({{"Cache-Control", "private, max-age=60"}}), 200, true, false).verdict(),
            StoreVerdict::private_);
  EXPECT_EQ(plan(fields({{"Cache-Control", "max-age=60"}}), 200, true, false).verdict(),
            StoreVerdict::authorization);
  identity_.user = {};
  EXPECT_FALSE(user_entry(policy_, identity_));
}

RequestHead request(std::vector<std::pair<std::string, std::string>> list) {
  RequestHead head;
  head.method(http::verb::get);
  head.target("/me");
  for (const auto& [name, value] : list) head.insert(name, value);
  return head;
}

TEST(OverrideLookupTest, ACredentialNamingNobodyBypassesAPerUserRoute) {
  config::CacheConfig policy;
  config::IdentityConfig identity;
  identity.jwt.emplace();
  const RequestHead forged = request({{"Authorization", "Bearer forged"}});
  const RequestHead anonymous = request({});
  // Without per_user the RFC's rules decide (no bypass here).
  EXPECT_FALSE(credential_without_user(policy, &identity, forged, ""));
  policy.overrides.authorization = config::CacheAuthorization::per_user;
  EXPECT_TRUE(credential_without_user(policy, &identity, forged, ""));
  EXPECT_FALSE(credential_without_user(policy, &identity, forged, "alice"));
  EXPECT_FALSE(credential_without_user(policy, &identity, anonymous, ""));
  EXPECT_TRUE(credential_without_user(policy, nullptr, forged, ""));
  EXPECT_EQ(bypass_detail(Bypass::unidentified), "unidentified");
}

}  // namespace
}  // namespace centinela::cache
