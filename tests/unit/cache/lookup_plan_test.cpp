// The request-side decisions: bypass, the client's directives, how a stored
// entry may be used, and the fields kept from the upstream.
#include "cache/lookup_plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace centinela::cache {
namespace {

namespace http = boost::beast::http;

RequestHead request(http::verb method, std::vector<std::pair<std::string, std::string>> fields) {
  RequestHead head;
  head.method(method);
  head.target("/x");
  for (const auto& [name, value] : fields) head.insert(name, value);
  return head;
}

TEST(LookupPlan, MethodsOtherThanGetAndHeadBypassAndUnsafeOnesInvalidate) {
  const config::CacheConfig policy;
  for (http::verb method :
       {http::verb::post, http::verb::put, http::verb::delete_, http::verb::patch}) {
    const LookupPlan plan = plan_lookup(policy, request(method, {}));
    EXPECT_EQ(plan.bypass, Bypass::method);
    EXPECT_TRUE(plan.invalidates);
  }
  for (http::verb method : {http::verb::options, http::verb::trace}) {
    const LookupPlan plan = plan_lookup(policy, request(method, {}));
    EXPECT_EQ(plan.bypass, Bypass::method);
    EXPECT_FALSE(plan.invalidates);
  }
  EXPECT_EQ(plan_lookup(policy, request(http::verb::get, {})).bypass, Bypass::none);
  EXPECT_EQ(plan_lookup(policy, request(http::verb::head, {})).bypass, Bypass::none);
}

TEST(LookupPlan, RouteRulesNoStoreAndRangeBypass) {
  config::CacheConfig policy;
  policy.bypass_headers = {"x-debug"};
  policy.bypass_cookies = {"session"};
  EXPECT_EQ(plan_lookup(policy, request(http::verb::get, {{"X-Debug", "1"}})).bypass, Bypass::rule);
  EXPECT_EQ(plan_lookup(policy, request(http::verb::get, {{"Cookie", "a=1; session=x"}})).bypass,
            Bypass::rule);
  EXPECT_EQ(plan_lookup(policy, request(http::verb::get, {{"Cache-Control", "no-store"}})).bypass,
            Bypass::no_store);
  EXPECT_EQ(plan_lookup(policy, request(http::verb::get, {{"Range", "bytes=0-9"}})).bypass,
            Bypass::range);
  EXPECT_EQ(bypass_detail(Bypass::rule), "bypass-rule");
  EXPECT_EQ(bypass_detail(Bypass::no_store), "no-store");
  EXPECT_EQ(bypass_detail(Bypass::range), "range");
  EXPECT_EQ(bypass_detail(Bypass::method), "method");
}

TEST(LookupPlan, DirectivesFromEveryCacheControlLineOrPragma) {
  const auto both = request_directives(
      request(http::verb::get, {{"Cache-Control", "max-age=5"}, {"Cache-Control", "no-cache"}}));
  EXPECT_EQ(both.max_age, 5);
  EXPECT_TRUE(both.no_cache);
  EXPECT_TRUE(request_directives(request(http::verb::get, {{"Pragma", "no-cache"}})).no_cache);
  // Pragma counts only without Cache-Control (RFC 9111 §5.4).
  EXPECT_FALSE(request_directives(request(http::verb::get,
                                          {{"Pragma", "no-cache"}, {"Cache-Control", "max-age=9"}}))
                   .no_cache);
}

TEST(LookupPlan, RequestNoCacheAlwaysRevalidates) {
  CacheEntry entry;
  entry.response_time = entry.date_value = entry.request_time = 1000;
  entry.freshness_lifetime = 60;
  entry.immutable = true;  // would let a fresh entry answer a reload...
  RequestDirectives directives;
  EXPECT_EQ(use_for(entry, directives, 1010).use, Usability::fresh);
  directives.no_cache = true;
  EXPECT_EQ(use_for(entry, directives, 1010).use, Usability::must_revalidate);  // ...not here
}

TEST(LookupPlan, OnlyTheStaleWhileRevalidateWindowRefreshesInTheBackground) {
  CacheEntry entry;
  entry.response_time = entry.date_value = entry.request_time = 1000;
  entry.freshness_lifetime = 10;
  entry.stale_while_revalidate = 30;
  const UseDecision in_window = use_for(entry, {}, 1020);
  EXPECT_EQ(in_window.use, Usability::stale_revalidate_in_background);
  EXPECT_TRUE(refreshes_in_background(entry, in_window));

  RequestDirectives max_stale;
  max_stale.max_stale_any = true;
  const UseDecision beyond = use_for(entry, max_stale, 1100);  // served by max-stale only
  EXPECT_EQ(beyond.use, Usability::stale_revalidate_in_background);
  EXPECT_FALSE(refreshes_in_background(entry, beyond));
  EXPECT_FALSE(refreshes_in_background(entry, use_for(entry, {}, 1005)));  // fresh
}

TEST(LookupPlan, UnkeyedOverridesAreDroppedUnlessKeyed) {
  config::CacheConfig policy;
  policy.key = {"header:x-original-url"};
  const RequestHead head = request(http::verb::get, {{"X-Original-URL", "/admin"},
                                                     {"X-Forwarded-Host", "evil"},
                                                     {"X-Host", "evil"},
                                                     {"Forwarded", "host=evil"}});
  std::vector<std::string> dropped;
  for_each_unkeyed_override(policy, head,
                            [&](std::string_view name) { dropped.emplace_back(name); });
  EXPECT_EQ(dropped, (std::vector<std::string>{"x-host", "forwarded"}));
}

}  // namespace
}  // namespace centinela::cache
