// The cache stage with stale entries: stale-while-revalidate (served at once,
// refreshed once in the background), stale-if-error (on a 5xx and on an
// upstream that did not answer), and revalidation (the 304 merged into the
// entry, judged anew). Time moves by the test clock.
#include "cache/cache_stage.h"
#include "cache_stage_fixture.h"

namespace centinela::cache::testing {
namespace {

class CacheStageStale : public CacheStageTest {};

TEST_F(CacheStageStale, WithinStaleWhileRevalidateTheEntryIsServedAndRefreshedOnce) {
  build([](config::RouteConfig& route) { route.compression.enabled = true; });
  answer("swr", {{"Cache-Control", "max-age=10, stale-while-revalidate=60"}, {"ETag", "\"s1\""}});
  get("/swr", {{"Accept-Encoding", "gzip"}});
  clock_.advance(15);

  for (int i = 0; i < 3; ++i) {
    const Exchanged stale = get("/swr", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"x\""}});
    EXPECT_EQ(stale.client.status, 200u);
    EXPECT_EQ(stale.client.body, "swr-1");
    EXPECT_EQ(stale.client.field("X-Cache"), "STALE");
    EXPECT_EQ(stale.client.field("Cache-Status"), "centinela; hit; fwd=stale; ttl=-5");
    EXPECT_EQ(stale.client.field("Age"), "15");
  }
  EXPECT_EQ(upstream_requests(), 1u) << "a client waited for the refresh";
  ASSERT_EQ(background_.jobs.size(), 1u) << "one refresh, however many stale answers";
  EXPECT_EQ(counted("stale"), 3u);

  // The refresh asks as a client fetch does: the entry's validators, not the
  // client's; identity from the upstream on a compressing route.
  FakeUpstream refresh_upstream;
  refresh_upstream.respond = [](const UpstreamView&) {
    return ScriptedResponse{200, {{"Cache-Control", "max-age=60"}, {"ETag", "\"s2\""}}, {"swr-2"}};
  };
  run_background(0, refresh_upstream);
  ASSERT_EQ(refresh_upstream.received.size(), 1u);
  const UpstreamView& asked = refresh_upstream.received[0];
  EXPECT_EQ(asked.method, "GET");
  EXPECT_EQ(asked.target, "/swr");
  EXPECT_EQ(asked.field("If-None-Match"), "\"s1\"");
  EXPECT_FALSE(asked.field("Accept-Encoding"));
  EXPECT_EQ(counted("miss"), 1u) << "the refresh is not a client's request";

  const Exchanged fresh = get("/swr", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(fresh.client.body, "swr-2");
  EXPECT_EQ(fresh.client.field("X-Cache"), "HIT");
  EXPECT_EQ(upstream_requests(), 1u);

  // The next time it goes stale, another refresh may start.
  clock_.advance(70);
  get("/swr", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(coalescer_.in_flight(), 0u);
}

TEST_F(CacheStageStale, ARefreshAnswered304KeepsTheBodyAndRenewsTheEntry) {
  answer("swr", {{"Cache-Control", "max-age=10, stale-while-revalidate=60"}, {"ETag", "\"s1\""}});
  get("/swr");
  clock_.advance(15);
  EXPECT_EQ(get("/swr").client.field("X-Cache"), "STALE");
  ASSERT_EQ(background_.jobs.size(), 1u);
  FakeUpstream refresh_upstream;
  refresh_upstream.respond = [](const UpstreamView&) {
    return ScriptedResponse{304, {{"Cache-Control", "max-age=100"}}, {}};
  };
  run_background(0, refresh_upstream);
  const Exchanged renewed = get("/swr");
  EXPECT_EQ(renewed.client.field("X-Cache"), "HIT");
  EXPECT_EQ(renewed.client.body, "swr-1");
  EXPECT_EQ(renewed.client.field("Cache-Control"), "max-age=100");
}

TEST_F(CacheStageStale, ARefreshThatFailsKeepsTheStaleEntry) {
  answer("swr", {{"Cache-Control", "max-age=10, stale-while-revalidate=60"}});
  get("/swr");
  clock_.advance(15);
  get("/swr");
  ASSERT_EQ(background_.jobs.size(), 1u);
  FakeUpstream failing;
  failing.respond = [](const UpstreamView&) { return ScriptedResponse{503, {}, {"down"}}; };
  run_background(0, failing);
  EXPECT_EQ(get("/swr").client.field("X-Cache"), "STALE");
  EXPECT_EQ(background_.jobs.size(), 2u) << "the next stale answer tries again";
}

TEST_F(CacheStageStale, WithoutBackgroundRequestsTheStaleEntryIsStillServed) {
  answer("swr", {{"Cache-Control", "max-age=10, stale-while-revalidate=60"}});
  get("/swr");
  clock_.advance(15);
  const Exchanged stale =
      send("GET", "/swr", {}, [](stage::RequestContext& ctx) { ctx.background = nullptr; });
  EXPECT_EQ(stale.client.field("X-Cache"), "STALE");
  EXPECT_EQ(coalescer_.in_flight(), 0u) << "no refresh was left leading";
}

TEST_F(CacheStageStale, MaxStaleServesStaleWithoutARefresh) {
  answer("doc", {{"Cache-Control", "max-age=10"}});
  get("/doc");
  clock_.advance(20);
  const Exchanged stale = get("/doc", {{"Cache-Control", "max-stale=30"}});
  EXPECT_EQ(stale.client.field("X-Cache"), "STALE");
  EXPECT_TRUE(background_.jobs.empty());
  EXPECT_EQ(get("/doc", {{"Cache-Control", "max-stale=5"}}).client.field("X-Cache"), "MISS");
}

TEST_F(CacheStageStale, StaleIfErrorServesTheEntryOnA5xx) {
  answer("good copy", {{"Cache-Control", "max-age=10, stale-if-error=60"}, {"ETag", "\"g\""}});
  get("/sie");
  clock_.advance(20);
  answer("origin broke", {}, 500);
  const Exchanged on_500 = get("/sie");
  EXPECT_EQ(on_500.client.status, 200u);
  EXPECT_EQ(on_500.client.body, "good copy-1");
  EXPECT_EQ(on_500.client.field("X-Cache"), "STALE");
  EXPECT_EQ(on_500.client.field("Cache-Status"),
            "centinela; hit; fwd=stale; detail=stale-if-error; ttl=-10");
  EXPECT_EQ(on_500.client.field("Age"), "20");
  EXPECT_EQ(on_500.client.count("X-Cache"), 1u);
  EXPECT_EQ(on_500.cache_status, "STALE");
  EXPECT_EQ(last_upstream_request().field("If-None-Match"), "\"g\"");
  EXPECT_EQ(counted("stale"), 1u);

  // The client's conditional is judged against what it gets.
  const Exchanged conditional = get("/sie", {{"If-None-Match", "\"g\""}});
  EXPECT_EQ(conditional.client.status, 304u);
  EXPECT_EQ(conditional.client.field("X-Cache"), "STALE");
}

TEST_F(CacheStageStale, StaleIfErrorServesTheEntryWhenTheUpstreamDoesNotAnswer) {
  answer("good copy", {{"Cache-Control", "max-age=10, stale-if-error=60"}});
  get("/sie");
  clock_.advance(20);
  upstream_.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 504, "timed out"};
  const Exchanged on_failure = get("/sie");
  EXPECT_EQ(on_failure.client.status, 200u);
  EXPECT_EQ(on_failure.client.body, "good copy-1");
  EXPECT_EQ(on_failure.client.field("X-Cache"), "STALE");

  // Beyond the window the error goes through.
  clock_.advance(60);
  const Exchanged too_late = get("/sie");
  EXPECT_EQ(too_late.client.status, 504u);
  EXPECT_FALSE(too_late.client.field("X-Cache"));
}

TEST_F(CacheStageStale, MustRevalidateEntriesAreNeverServedStale) {
  build([](config::RouteConfig& route) {
    route.cache.stale_if_error = std::chrono::hours(1);
    route.cache.stale_while_revalidate = std::chrono::seconds(30);
  });
  answer("strict copy", {{"Cache-Control", "max-age=10, must-revalidate, stale-if-error=60"}});
  get("/strict");
  clock_.advance(15);
  answer("origin broke", {}, 500);
  const Exchanged response = get("/strict");
  EXPECT_EQ(response.client.status, 500u);
  EXPECT_EQ(response.client.field("X-Cache"), "MISS");
  EXPECT_TRUE(background_.jobs.empty());
}

TEST_F(CacheStageStale, TheRoutesStaleWindowsApplyWhereTheOriginIsSilent) {
  build([](config::RouteConfig& route) {
    route.cache.ttl = std::chrono::seconds(10);
    route.cache.stale_while_revalidate = std::chrono::seconds(30);
  });
  answer("r", {});
  get("/r");
  clock_.advance(15);
  EXPECT_EQ(get("/r").client.field("X-Cache"), "STALE");
  EXPECT_EQ(background_.jobs.size(), 1u);
}

// --- revalidation ------------------------------------------------------------

class CacheStageRevalidation : public CacheStageTest {
 protected:
  // First a 200 that must be revalidated on every use; then `not_modified`
  // for a conditional request, a new 200 for an unconditional one.
  void origin(Fields not_modified) {
    auto count = std::make_shared<int>(0);
    upstream_.respond = [not_modified, count](const UpstreamView& request) {
      const int n = ++*count;
      if (request.field("If-None-Match")) return ScriptedResponse{304, not_modified, {}};
      return ScriptedResponse{
          200, {{"Cache-Control", "no-cache"}, {"ETag", "\"v\""}}, {"body-" + std::to_string(n)}};
    };
  }
};

TEST_F(CacheStageRevalidation, A304RefreshesTheEntryAndTheClientGetsTheStoredBody) {
  origin({{"Cache-Control", "max-age=60"}, {"X-Refreshed", "yes"}});
  EXPECT_EQ(get("/r").client.field("X-Cache"), "MISS");
  clock_.advance(3);
  const Exchanged revalidated = get("/r", {{"If-None-Match", "\"client\""}});
  EXPECT_EQ(last_upstream_request().field("If-None-Match"), "\"v\"") << "ours, not the client's";
  EXPECT_EQ(revalidated.client.status, 200u);
  EXPECT_EQ(revalidated.client.body, "body-1");
  EXPECT_EQ(revalidated.client.field("X-Cache"), "REVALIDATED");
  EXPECT_EQ(revalidated.client.field("Cache-Status"), "centinela; fwd=stale; fwd-status=304");
  EXPECT_EQ(revalidated.client.field("Age"), "0");
  EXPECT_EQ(revalidated.client.field("X-Refreshed"), "yes");
  EXPECT_EQ(revalidated.client.count("X-Cache"), 1u);
  EXPECT_EQ(revalidated.cache_status, "REVALIDATED");
  EXPECT_EQ(counted("revalidated"), 1u);

  // Stored as refreshed: fresh for 60 s now.
  const Exchanged hit = get("/r");
  EXPECT_EQ(hit.client.field("X-Cache"), "HIT");
  EXPECT_EQ(hit.client.field("X-Refreshed"), "yes");
  EXPECT_EQ(upstream_requests(), 2u);
}

TEST_F(CacheStageRevalidation, TheClientsConditionalIsJudgedAgainstTheRefreshedEntry) {
  origin({});
  get("/r");
  const Exchanged not_modified = get("/r", {{"If-None-Match", "\"v\""}});
  EXPECT_EQ(not_modified.client.status, 304u);
  EXPECT_EQ(not_modified.client.body, "");
  EXPECT_EQ(not_modified.client.field("X-Cache"), "REVALIDATED");
}

TEST_F(CacheStageRevalidation, A304ThatForbidsStorageDropsTheEntry) {
  for (const Fields& forbidding :
       std::vector<Fields>{{{"Cache-Control", "no-store"}},
                           {{"Cache-Control", "private"}},
                           {{"Cache-Control", "no-cache"}, {"Vary", "*"}}}) {
    SCOPED_TRACE(forbidding.front().second);
    build();
    l1_.purge(PurgeRequest{});
    upstream_.received.clear();
    origin(forbidding);
    EXPECT_EQ(get("/r").client.field("X-Cache"), "MISS");
    const Exchanged refreshed = get("/r");
    EXPECT_EQ(refreshed.client.body, "body-1") << "the client did not get its answer";
    EXPECT_EQ(refreshed.client.field("X-Cache"), "REVALIDATED");
    const Exchanged after = get("/r");
    EXPECT_EQ(after.client.body, "body-3");
    EXPECT_EQ(after.client.field("X-Cache"), "MISS") << "the entry the 304 forbade was kept";
    ASSERT_EQ(upstream_requests(), 3u);
    EXPECT_FALSE(upstream_.received[2].field("If-None-Match"));
  }
}

TEST_F(CacheStageRevalidation, TheSetCookieOfA304ReachesTheClientAndIsNotStored) {
  auto count = std::make_shared<int>(0);
  upstream_.respond = [count](const UpstreamView& request) {
    const int n = ++*count;
    if (!request.field("If-None-Match")) {
      return ScriptedResponse{
          200, {{"Cache-Control", "no-cache"}, {"ETag", "\"v\""}}, {"body-" + std::to_string(n)}};
    }
    ScriptedResponse reply{304, {}, {}};
    if (n == 2) reply.fields.emplace_back("Set-Cookie", "sid=for-client-2; Path=/");
    return reply;
  };
  get("/c");
  const Exchanged with_cookie = get("/c");
  EXPECT_EQ(with_cookie.client.body, "body-1");
  EXPECT_EQ(with_cookie.client.field("X-Cache"), "REVALIDATED");
  EXPECT_EQ(with_cookie.client.field("Set-Cookie"), "sid=for-client-2; Path=/");
  const Exchanged next = get("/c");
  EXPECT_EQ(next.client.body, "body-1");
  EXPECT_EQ(next.client.field("X-Cache"), "REVALIDATED") << "the entry was not kept";
  EXPECT_FALSE(next.client.field("Set-Cookie")) << "another client got client 2's cookie";
}

TEST_F(CacheStageRevalidation, ANewResponseToARevalidationReplacesTheEntry) {
  auto count = std::make_shared<int>(0);
  upstream_.respond = [count](const UpstreamView&) {
    return ScriptedResponse{200,
                            {{"Cache-Control", "max-age=10"}, {"ETag", "\"v\""}},
                            {"body-" + std::to_string(++*count)}};
  };
  get("/r");
  clock_.advance(11);
  const Exchanged changed = get("/r");
  EXPECT_EQ(changed.client.body, "body-2");
  EXPECT_EQ(changed.client.field("X-Cache"), "MISS");
  EXPECT_EQ(changed.client.field("Cache-Status"), "centinela; fwd=stale; fwd-status=200; stored");
  EXPECT_EQ(get("/r").client.body, "body-2");
  EXPECT_EQ(l1_.stats().entries, 1u);
}

TEST_F(CacheStageRevalidation, WithoutStaleIfErrorAFailedRevalidationIsTheError) {
  origin({});
  get("/r");
  upstream_.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "refused"};
  const Exchanged failed = get("/r");
  EXPECT_EQ(failed.client.status, 502u);
  EXPECT_FALSE(failed.client.field("X-Cache"));
  EXPECT_EQ(counted("miss"), 1u) << "only the first request";
}

}  // namespace
}  // namespace centinela::cache::testing
