// RFC 9111 §4.4 invalidation after an unsafe method, as a purge request; the
// L2 time to live; the client's conditionals.
#include "cache/invalidation.h"

#include <gtest/gtest.h>

#include "cache/conditional.h"
#include "cache/l2_ttl.h"

namespace centinela::cache {
namespace {

constexpr std::int64_t kNow = 1'780'272'000;

TEST(Invalidation, TheTargetAndItsLocationsOnThisHostOnly) {
  config::CacheConfig policy;
  policy.ignore_query_params = {"utm"};
  const auto purge =
      invalidation_purge(policy, {.host = "example.test",
                                  .target = "/items/7?b=2&utm=x&a=1",
                                  .status = 201,
                                  .location = "https://EXAMPLE.test:8443/items/7/v2",
                                  .content_location = "https://elsewhere.test/items"});
  ASSERT_TRUE(purge);
  EXPECT_EQ(purge->kind, PurgeRequest::Kind::url);
  EXPECT_EQ(purge->values, (std::vector<std::string>{"http://example.test/items/7?a=1&b=2",
                                                     "http://example.test/items/7/v2"}));
}

TEST(Invalidation, ErrorsAndInformationalAnswersInvalidateNothing) {
  const config::CacheConfig policy;
  for (unsigned status : {100u, 199u, 400u, 404u, 500u, 503u}) {
    EXPECT_FALSE(invalidation_purge(policy, {.host = "h", .target = "/x", .status = status}))
        << status;
  }
  EXPECT_TRUE(invalidation_purge(policy, {.host = "h", .target = "/x", .status = 204}));
  EXPECT_TRUE(invalidation_purge(policy, {.host = "h", .target = "/x", .status = 303}));
}

TEST(Invalidation, SameHostPathRefusesOtherOriginsAndSchemeRelativeReferences) {
  EXPECT_EQ(same_host_path("/a/b?c", "h.test"), "/a/b?c");
  EXPECT_EQ(same_host_path("//evil.test/a", "h.test"), "");
  EXPECT_EQ(same_host_path("http://h.test", "h.test"), "/");
  EXPECT_EQ(same_host_path("HTTPS://H.TEST:443/x", "h.test"), "/x");
  EXPECT_EQ(same_host_path("http://h.test.evil/x", "h.test"), "");
  EXPECT_EQ(same_host_path("ftp://h.test/x", "h.test"), "");
  EXPECT_EQ(same_host_path("relative/path", "h.test"), "");
}

void stored_now(CacheEntry& entry, std::int64_t lifetime) {
  entry.request_time = entry.response_time = entry.date_value = kNow;
  entry.freshness_lifetime = lifetime;
}

TEST(L2Ttl, FreshnessLeftPlusTheLongestStaleWindow) {
  CacheEntry entry;
  stored_now(entry, 60);
  EXPECT_EQ(l2_ttl(entry, kNow), 60);
  EXPECT_EQ(l2_ttl(entry, kNow + 50), 10);
  EXPECT_EQ(l2_ttl(entry, kNow + 80), 0);
  entry.stale_while_revalidate = 30;
  entry.stale_if_error = 300;
  EXPECT_EQ(l2_ttl(entry, kNow + 50), 310);
}

TEST(L2Ttl, ValidatorsKeepAnEntryUpToADay) {
  CacheEntry entry;
  stored_now(entry, 0);
  EXPECT_EQ(l2_ttl(entry, kNow), 0);
  entry.etag = "\"v\"";
  EXPECT_EQ(l2_ttl(entry, kNow), 0) << "no lifetime: nothing to keep it for";
  entry.freshness_lifetime = 7 * 86400;
  EXPECT_EQ(l2_ttl(entry, kNow + 7 * 86400 + 5), 86400);
}

TEST(ClientConditional, IfNoneMatchDecidesWhenPresent) {
  CacheEntry entry;
  entry.etag = "\"v1\"";
  entry.last_modified = "Sun, 31 May 2026 00:00:00 GMT";
  RequestHead request;
  EXPECT_FALSE(client_has_current(request, entry, kNow));
  request.set("If-None-Match", "\"x\", W/\"v1\"");
  EXPECT_TRUE(client_has_current(request, entry, kNow));
  request.set("If-None-Match", "\"x\"");
  request.set("If-Modified-Since", "Mon, 01 Jun 2026 00:00:00 GMT");
  EXPECT_FALSE(client_has_current(request, entry, kNow)) << "If-Modified-Since is ignored then";
  request.erase("If-None-Match");
  EXPECT_TRUE(client_has_current(request, entry, kNow));
  request.set("If-Modified-Since", "Sat, 30 May 2026 00:00:00 GMT");
  EXPECT_FALSE(client_has_current(request, entry, kNow));
  request.set("If-None-Match", "*");
  entry.status_code = 404;
  EXPECT_FALSE(client_has_current(request, entry, kNow)) << "only a 200 is answered 304";
}

}  // namespace
}  // namespace centinela::cache
