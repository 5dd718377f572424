// The cache under concurrency and failure: concurrent misses coalesced into
// one upstream request, stale-while-revalidate refreshing once in the
// background, stale-if-error answering for a failing origin.
#include <future>
#include <set>

#include "cache_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// `count` GETs of `target` started at once, each on its own connection.
std::vector<HttpResponse> concurrent_gets(std::uint16_t port, const std::string& target,
                                          int count) {
  std::vector<std::future<HttpResponse>> pending;
  for (int i = 0; i < count; ++i) {
    pending.push_back(std::async(std::launch::async,
                                 [port, target] { return http_get(port, target, {}, 5000ms); }));
  }
  std::vector<HttpResponse> responses;
  for (auto& response : pending) responses.push_back(response.get());
  return responses;
}

class CacheCoalescingTest : public CacheTest {};

TEST_F(CacheCoalescingTest, ConcurrentMissesMakeOneUpstreamRequest) {
  cache_route("{}");
  auto handler = numbered("slow", {{"Cache-Control", "max-age=60"}});
  origin_.on("/slow", [handler](const ReceivedRequest& request) {
    OriginReply reply = handler(request);
    reply.delay = 500ms;
    return reply;
  });
  ASSERT_TRUE(start_with());

  std::vector<HttpResponse> responses = concurrent_gets(port(), "/slow", 20);
  std::map<std::string, int> results;
  for (const HttpResponse& response : responses) {
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, "slow-1");
    ++results[x_cache(response)];
  }
  EXPECT_EQ(origin_.request_count("/slow"), 1u);
  std::string seen;
  for (const auto& [result, count] : results) seen += result + "=" + std::to_string(count) + " ";
  EXPECT_GE(results["MISS"], 1) << seen;
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_cache_requests_total", {{"result", "coalesced"}}).value_or(0) >= 1;
      },
      2000ms, 50ms))
      << "no coalesced requests counted; X-Cache seen: " << seen;
}

TEST_F(CacheCoalescingTest, FollowersOfAnUncacheableResponseGoUpstreamThemselves) {
  cache_route("{}");
  auto handler = numbered("private", {{"Cache-Control", "no-store"}});
  origin_.on("/uncacheable", [handler](const ReceivedRequest& request) {
    OriginReply reply = handler(request);
    reply.delay = 300ms;
    return reply;
  });
  ASSERT_TRUE(start_with());

  std::vector<HttpResponse> responses = concurrent_gets(port(), "/uncacheable", 20);
  std::set<std::string> bodies;
  for (const HttpResponse& response : responses) {
    EXPECT_EQ(response.status, 200) << response.error;
    bodies.insert(response.body);
  }
  EXPECT_GT(origin_.request_count("/uncacheable"), 1u)
      << "followers were handed a no-store response";
  std::printf("uncacheable: %zu origin requests, %zu distinct bodies for 20 clients\n",
              origin_.request_count("/uncacheable"), bodies.size());
}

class CacheStaleTest : public CacheTest {};

TEST_F(CacheStaleTest, StaleWhileRevalidateServesAtOnceAndRefreshesOnce) {
  cache_route("{}");
  auto handler = numbered("swr", {{"Cache-Control", "max-age=1, stale-while-revalidate=30"}});
  origin_.on("/swr", [handler](const ReceivedRequest& request) {
    OriginReply reply = handler(request);
    if (reply.body != "swr-1") {
      reply.delay = 1000ms;  // the background refresh is slow...
      // ...and its response stays fresh although it is a second old on arrival.
      reply.headers = {{"Content-Type", "text/plain"}, {"Cache-Control", "max-age=60"}};
    }
    return reply;
  });
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/swr").body, "swr-1");
  std::this_thread::sleep_for(2100ms);

  auto started = std::chrono::steady_clock::now();
  std::vector<HttpResponse> responses = concurrent_gets(port(), "/swr", 10);
  auto took = std::chrono::steady_clock::now() - started;
  for (const HttpResponse& response : responses) {
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(response.body, "swr-1");
    EXPECT_EQ(x_cache(response), "STALE");
    EXPECT_TRUE(response.has_header("age"));
  }
  EXPECT_LT(took, 900ms) << "clients waited for the background refresh";

  EXPECT_TRUE(origin_.wait_for_requests("/swr", 2, 2000ms)) << "no background refresh";
  std::string polls;
  EXPECT_TRUE(eventually(
      [&] {
        HttpResponse fresh = get("/swr");
        polls += fresh.body + "/" + x_cache(fresh) + " ";
        return fresh.body == "swr-2" && x_cache(fresh) == "HIT";
      },
      2500ms, 50ms))
      << "the refreshed entry was not served; polls saw: " << polls;
  EXPECT_EQ(origin_.request_count("/swr"), 2u) << "more than one background refresh";
  EXPECT_GE(metric("centinela_cache_requests_total", {{"result", "stale"}}).value_or(0), 10);
}

TEST_F(CacheStaleTest, RouteStaleWhileRevalidateAppliesWhereTheOriginIsSilent) {
  cache_route("{ttl: 1s, stale_while_revalidate: 30s}");
  origin_.on("/route-swr", numbered("r"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/route-swr").body, "r-1");
  std::this_thread::sleep_for(2100ms);
  HttpResponse stale = get("/route-swr");
  EXPECT_EQ(stale.body, "r-1");
  EXPECT_EQ(x_cache(stale), "STALE");
  EXPECT_TRUE(origin_.wait_for_requests("/route-swr", 2, 2000ms));
}

TEST_F(CacheStaleTest, StaleIfErrorServesTheEntryWhenTheOriginFails) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "timeout: 500ms");
  cache_route("{}");
  origin_.reply("/sie", reply_with("good copy", "max-age=1, stale-if-error=60"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/sie").body, "good copy");
  std::this_thread::sleep_for(2100ms);

  origin_.reply("/sie", OriginReply::text(500, "origin broke"));
  HttpResponse on_500 = get("/sie");
  EXPECT_EQ(on_500.status, 200);
  EXPECT_EQ(on_500.body, "good copy");
  EXPECT_EQ(x_cache(on_500), "STALE");

  OriginReply hang_up;
  hang_up.close_without_answer = true;
  origin_.reply("/sie", hang_up);
  HttpResponse on_close = get("/sie");
  EXPECT_EQ(on_close.status, 200) << on_close.body;
  EXPECT_EQ(on_close.body, "good copy");
  EXPECT_EQ(x_cache(on_close), "STALE");

  OriginReply slow = reply_with("too late", "max-age=60");
  slow.delay = 1500ms;
  origin_.reply("/sie", slow);
  HttpResponse on_timeout = get("/sie");
  EXPECT_EQ(on_timeout.status, 200) << on_timeout.body;
  EXPECT_EQ(on_timeout.body, "good copy");
  EXPECT_EQ(x_cache(on_timeout), "STALE");
}

TEST_F(CacheStaleTest, StaleIfErrorFromTheRouteAppliesWhereTheOriginIsSilent) {
  cache_route("{ttl: 1s, stale_if_error: 1h}");
  origin_.reply("/route-sie", reply_with("route copy", ""));
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/route-sie").body, "route copy");
  std::this_thread::sleep_for(2100ms);
  origin_.reply("/route-sie", OriginReply::text(503, "down"));
  HttpResponse stale = get("/route-sie");
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, "route copy");
  EXPECT_EQ(x_cache(stale), "STALE");
}

TEST_F(CacheStaleTest, MustRevalidateEntriesAreNeverServedStale) {
  cache_route("{stale_if_error: 1h, stale_while_revalidate: 30s}");
  origin_.reply("/strict",
                reply_with("strict copy", "max-age=1, must-revalidate, stale-if-error=60"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/strict").body, "strict copy");
  std::this_thread::sleep_for(2100ms);
  origin_.reply("/strict", OriginReply::text(500, "origin broke"));
  HttpResponse response = get("/strict");
  EXPECT_NE(response.status, 200) << "a must-revalidate entry was served stale";
  EXPECT_NE(response.body, "strict copy");
  EXPECT_NE(x_cache(response), "STALE");
  EXPECT_TRUE(response.status == 500 || response.status == 502 || response.status == 504)
      << response.status;
}

}  // namespace
}  // namespace itest
