// The response cache end to end (RFC 9111 shared cache): what is stored and
// what is not, freshness from the origin's fields and from the route,
// revalidation with the origin, conditional requests from clients, request
// directives, invalidation by unsafe methods, the origin's steering fields,
// bypass rules and the cache metrics.
#include "cache_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

class CacheBasicsTest : public CacheTest {};

TEST_F(CacheBasicsTest, SecondRequestIsAHitWithAgeAndCacheStatus) {
  cache_route("{}");
  origin_.on("/doc", numbered("doc", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  HttpResponse first = get("/doc");
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.body, "doc-1");
  EXPECT_EQ(x_cache(first), "MISS");
  EXPECT_TRUE(cache_status_has(first, "fwd=miss"));
  EXPECT_TRUE(cache_status_has(first, "stored"));

  HttpResponse second = get("/doc");
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "doc-1");
  EXPECT_EQ(x_cache(second), "HIT");
  EXPECT_TRUE(cache_status_has(second, "hit"));
  EXPECT_GE(age_of(second), 0) << "Age: " << second.header("age").value_or("(none)");
  EXPECT_LE(age_of(second), 2);
  EXPECT_EQ(second.header("content-type").value_or(""), "text/plain");
  EXPECT_TRUE(second.has_header("x-request-id"));
  EXPECT_EQ(origin_.request_count("/doc"), 1u);
}

TEST_F(CacheBasicsTest, HeadIsServedFromTheGetEntry) {
  cache_route("{}");
  origin_.on("/doc", numbered("doc", {{"Cache-Control", "max-age=60"}, {"ETag", "\"d1\""}}));
  ASSERT_TRUE(start_with());

  HttpResponse full = get("/doc");
  ASSERT_EQ(full.status, 200) << full.error;
  HttpResponse headed = head("/doc");
  EXPECT_EQ(headed.status, 200) << headed.error;
  EXPECT_EQ(x_cache(headed), "HIT");
  EXPECT_TRUE(headed.body.empty());
  EXPECT_EQ(headed.header("etag").value_or(""), "\"d1\"");
  if (full.has_header("content-length") && headed.has_header("content-length")) {
    EXPECT_EQ(headed.header("content-length"), full.header("content-length"));
  }
  EXPECT_EQ(origin_.request_count("/doc"), 1u);
  // The connection is still usable after a HEAD hit (no stray body bytes).
  EXPECT_EQ(get("/doc").body, "doc-1");
}

TEST_F(CacheBasicsTest, ResponsesThatMustNotBeStoredGoUpstreamEveryTime) {
  cache_route("{}");
  struct Case {
    std::string path;
    HeaderList headers;
    int status = 200;
  };
  const std::vector<Case> cases = {
      {"/no-store", {{"Cache-Control", "no-store"}}},
      {"/private", {{"Cache-Control", "private, max-age=60"}}},
      {"/set-cookie", {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "sid=42; Path=/"}}},
      {"/vary-star", {{"Cache-Control", "max-age=60"}, {"Vary", "*"}}},
      {"/no-freshness", {}},
      {"/partial", {{"Cache-Control", "max-age=60"}, {"Content-Range", "bytes 0-6/100"}}, 206},
  };
  for (const Case& c : cases) {
    origin_.on(c.path, [c](const ReceivedRequest&) {
      OriginReply reply = OriginReply::text(c.status, "payload");
      for (const auto& field : c.headers) reply.headers.push_back(field);
      return reply;
    });
  }
  ASSERT_TRUE(start_with());

  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    HttpResponse first = get(c.path);
    EXPECT_EQ(first.status, c.status) << first.error;
    HttpResponse second = get(c.path);
    EXPECT_EQ(second.status, c.status) << second.error;
    EXPECT_EQ(second.body, "payload");
    EXPECT_NE(x_cache(second), "HIT");
    EXPECT_EQ(origin_.request_count(c.path), 2u);
  }
}

TEST_F(CacheBasicsTest, AuthorizedRequestsAreStoredOnlyWhenTheResponseAllowsIt) {
  cache_route("{}");
  origin_.on("/plain", numbered("plain", {{"Cache-Control", "max-age=60"}}));
  origin_.on("/public", numbered("public", {{"Cache-Control", "public, max-age=60"}}));
  origin_.on("/shared", numbered("shared", {{"Cache-Control", "s-maxage=60"}}));
  origin_.on("/must", numbered("must", {{"Cache-Control", "must-revalidate, max-age=60"}}));
  ASSERT_TRUE(start_with());
  const HeaderList auth = {{"Authorization", "Bearer opaque-token-1"}};

  EXPECT_EQ(get("/plain", auth).body, "plain-1");
  EXPECT_EQ(get("/plain", auth).body, "plain-2") << "stored a response to an authorized request";
  for (const std::string path : {"/public", "/shared", "/must"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(get(path, auth).status, 200);
    HttpResponse again = get(path, auth);
    EXPECT_EQ(again.body, path.substr(1) + "-1");
    EXPECT_EQ(x_cache(again), "HIT");
    EXPECT_EQ(origin_.request_count(path), 1u);
  }
}

TEST_F(CacheBasicsTest, SMaxAgeWinsOverMaxAge) {
  cache_route("{}");
  origin_.on("/long", numbered("long", {{"Cache-Control", "max-age=0, s-maxage=60"}}));
  origin_.on("/short", numbered("short", {{"Cache-Control", "max-age=60, s-maxage=0"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/long").body, "long-1");
  HttpResponse long_again = get("/long");
  EXPECT_EQ(long_again.body, "long-1");
  EXPECT_EQ(x_cache(long_again), "HIT");
  EXPECT_EQ(get("/short").body, "short-1");
  EXPECT_EQ(get("/short").body, "short-2") << "s-maxage=0 must make the entry stale at once";
}

TEST_F(CacheBasicsTest, ExpiresGivesFreshness) {
  cache_route("{}");
  origin_.on("/future", [](const ReceivedRequest&) {
    auto now = std::chrono::system_clock::now();
    return reply_with("future", "", {{"Date", http_date(now)}, {"Expires", http_date(now + 60s)}});
  });
  origin_.on("/past", [](const ReceivedRequest&) {
    auto now = std::chrono::system_clock::now();
    return reply_with("past", "", {{"Date", http_date(now)}, {"Expires", http_date(now - 60s)}});
  });
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/future").status, 200);
  HttpResponse hit = get("/future");
  EXPECT_EQ(x_cache(hit), "HIT");
  EXPECT_EQ(hit.body, "future");
  EXPECT_EQ(origin_.request_count("/future"), 1u);
  get("/past");
  get("/past");
  EXPECT_EQ(origin_.request_count("/past"), 2u);
}

TEST_F(CacheBasicsTest, RouteTtlAppliesOnlyWhereTheOriginIsSilent) {
  cache_route("{ttl: 60s}");
  origin_.on("/silent", numbered("silent"));
  origin_.on("/no-store", numbered("no-store", {{"Cache-Control", "no-store"}}));
  origin_.on("/short", numbered("short", {{"Cache-Control", "max-age=0"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/silent").body, "silent-1");
  HttpResponse hit = get("/silent");
  EXPECT_EQ(hit.body, "silent-1");
  EXPECT_EQ(x_cache(hit), "HIT");
  get("/no-store");
  EXPECT_EQ(get("/no-store").body, "no-store-2");
  get("/short");
  EXPECT_EQ(get("/short").body, "short-2") << "the route ttl overrode the origin's max-age=0";
}

TEST_F(CacheBasicsTest, LastModifiedGivesHeuristicFreshness) {
  cache_route("{}");
  const std::string week_ago = http_date(std::chrono::system_clock::now() - 7 * 24h);
  origin_.on("/old", numbered("old", {{"Last-Modified", week_ago}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/old").body, "old-1");
  HttpResponse hit = get("/old");
  EXPECT_EQ(hit.body, "old-1");
  EXPECT_EQ(x_cache(hit), "HIT");
}

TEST_F(CacheBasicsTest, ExpiredEntryIsRevalidatedWithItsETag) {
  cache_route("{}");
  origin_.on("/rv", [](const ReceivedRequest& request) {
    if (request.header("if-none-match").value_or("") == "\"e1\"") {
      OriginReply not_modified;
      not_modified.status = 304;
      not_modified.headers = {
          {"ETag", "\"e1\""}, {"Cache-Control", "max-age=60"}, {"X-Version", "2"}};
      return not_modified;
    }
    return reply_with("full body", "max-age=1", {{"ETag", "\"e1\""}, {"X-Version", "1"}});
  });
  ASSERT_TRUE(start_with());

  HttpResponse first = get("/rv");
  EXPECT_EQ(first.body, "full body");
  EXPECT_EQ(first.header("x-version").value_or(""), "1");
  std::this_thread::sleep_for(2100ms);

  HttpResponse revalidated = get("/rv");
  EXPECT_EQ(revalidated.status, 200);
  EXPECT_EQ(revalidated.body, "full body");
  EXPECT_EQ(x_cache(revalidated), "REVALIDATED");
  EXPECT_TRUE(revalidated.has_header("age"));
  EXPECT_EQ(revalidated.header("x-version").value_or(""), "2") << "304 did not refresh headers";
  ASSERT_EQ(origin_.request_count("/rv"), 2u);
  EXPECT_EQ(origin_.last_request("/rv")->header("if-none-match").value_or("(none)"), "\"e1\"");

  // The 304's max-age=60 now governs: a hit with the refreshed fields.
  HttpResponse hit = get("/rv");
  EXPECT_EQ(x_cache(hit), "HIT");
  EXPECT_EQ(hit.body, "full body");
  EXPECT_EQ(hit.header("x-version").value_or(""), "2");
  EXPECT_EQ(origin_.request_count("/rv"), 2u);
}

TEST_F(CacheBasicsTest, ExpiredEntryIsRevalidatedWithLastModified) {
  cache_route("{}");
  const std::string modified = http_date(std::chrono::system_clock::now() - 24h);
  origin_.on("/lm", numbered("lm", {{"Cache-Control", "max-age=1"}, {"Last-Modified", modified}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/lm").body, "lm-1");
  std::this_thread::sleep_for(2100ms);
  // The origin has changed its mind (200 with a new body): the client gets it.
  EXPECT_EQ(get("/lm").body, "lm-2");
  ASSERT_EQ(origin_.request_count("/lm"), 2u);
  EXPECT_EQ(origin_.last_request("/lm")->header("if-modified-since").value_or("(none)"), modified);
}

TEST_F(CacheBasicsTest, ClientConditionalsAreAnsweredFromTheCache) {
  cache_route("{}");
  const auto modified_at = std::chrono::system_clock::now() - 48h;
  const std::string modified = http_date(modified_at);
  origin_.reply("/cond", reply_with("conditional body", "max-age=60",
                                    {{"ETag", "\"c1\""}, {"Last-Modified", modified}}));
  ASSERT_TRUE(start_with());
  ASSERT_EQ(get("/cond").status, 200);

  HttpResponse match = get("/cond", {{"If-None-Match", "\"c1\""}});
  EXPECT_EQ(match.status, 304);
  EXPECT_TRUE(match.body.empty());
  EXPECT_EQ(match.header("etag").value_or(""), "\"c1\"");
  EXPECT_EQ(get("/cond", {{"If-None-Match", "\"x\", W/\"c1\""}}).status, 304)
      << "If-None-Match uses the weak comparison";
  HttpResponse other = get("/cond", {{"If-None-Match", "\"zz\""}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, "conditional body");

  EXPECT_EQ(get("/cond", {{"If-Modified-Since", modified}}).status, 304);
  EXPECT_EQ(get("/cond", {{"If-Modified-Since", http_date(modified_at + 1h)}}).status, 304);
  HttpResponse older = get("/cond", {{"If-Modified-Since", http_date(modified_at - 1h)}});
  EXPECT_EQ(older.status, 200);
  EXPECT_EQ(older.body, "conditional body");
  EXPECT_EQ(origin_.request_count("/cond"), 1u);
}

TEST_F(CacheBasicsTest, RequestNoCacheAndMaxAgeZeroGoUpstream) {
  cache_route("{}");
  origin_.on("/rd", numbered("rd", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/rd").body, "rd-1");
  EXPECT_EQ(x_cache(get("/rd")), "HIT");
  HttpResponse no_cache = get("/rd", {{"Cache-Control", "no-cache"}});
  EXPECT_EQ(no_cache.status, 200);
  EXPECT_EQ(origin_.request_count("/rd"), 2u) << "Cache-Control: no-cache was served from cache";
  // max-age=0 accepts an entry aged 0 s (RFC 9111 5.2.1.1): let it age first.
  std::this_thread::sleep_for(1100ms);
  HttpResponse zero = get("/rd", {{"Cache-Control", "max-age=0"}});
  EXPECT_EQ(zero.status, 200);
  EXPECT_EQ(origin_.request_count("/rd"), 3u) << "Cache-Control: max-age=0 was served from cache";
}

TEST_F(CacheBasicsTest, RequestNoStoreIsNeitherServedFromNorStoredInTheCache) {
  cache_route("{}");
  origin_.on("/ns", numbered("ns", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/ns").body, "ns-1");
  HttpResponse no_store = get("/ns", {{"Cache-Control", "no-store"}});
  EXPECT_EQ(no_store.body, "ns-2");
  EXPECT_NE(x_cache(no_store), "HIT");
  HttpResponse after = get("/ns");
  EXPECT_EQ(after.body, "ns-1") << "the no-store request's response replaced the entry";
  EXPECT_EQ(x_cache(after), "HIT");

  // A no-store request for an uncached URL does not create an entry either.
  origin_.on("/ns2", numbered("ns2", {{"Cache-Control", "max-age=60"}}));
  EXPECT_EQ(get("/ns2", {{"Cache-Control", "no-store"}}).body, "ns2-1");
  EXPECT_EQ(get("/ns2").body, "ns2-2");
}

TEST_F(CacheBasicsTest, RequestMaxStaleAndMinFreshAreHonoured) {
  cache_route("{}");
  origin_.on("/ms", numbered("ms", {{"Cache-Control", "max-age=1"}}));
  origin_.on("/mf", numbered("mf", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/ms").body, "ms-1");
  EXPECT_EQ(get("/mf").body, "mf-1");
  std::this_thread::sleep_for(2100ms);
  HttpResponse stale_ok = get("/ms", {{"Cache-Control", "max-stale=60"}});
  EXPECT_EQ(stale_ok.body, "ms-1") << "max-stale=60 accepts an entry stale by a second";
  EXPECT_EQ(get("/ms").body, "ms-2") << "without max-stale the stale entry was served";

  EXPECT_EQ(get("/mf").body, "mf-1");
  EXPECT_EQ(get("/mf", {{"Cache-Control", "min-fresh=120"}}).body, "mf-2")
      << "min-fresh=120 accepted an entry fresh for under a minute";
}

TEST_F(CacheBasicsTest, AgeFromTheOriginCountsAgainstFreshness) {
  cache_route("{}");
  origin_.on("/aged", numbered("aged", {{"Cache-Control", "max-age=60"}, {"Age", "50"}}));
  origin_.on("/too-old", numbered("old", {{"Cache-Control", "max-age=60"}, {"Age", "100"}}));
  ASSERT_TRUE(start_with());

  get("/aged");
  HttpResponse hit = get("/aged");
  EXPECT_EQ(x_cache(hit), "HIT");
  EXPECT_GE(age_of(hit), 50) << "Age: " << hit.header("age").value_or("(none)");
  EXPECT_LE(age_of(hit), 53);
  get("/too-old");
  EXPECT_EQ(get("/too-old").body, "old-2") << "an entry older than its max-age was served";
}

TEST_F(CacheBasicsTest, HostileCacheControlIsHarmless) {
  cache_route("{}");
  // About 6 KiB in 50 members (long quoted arguments with commas inside).
  std::string huge = "max-age=60";
  for (int i = 0; i < 50; ++i)
    huge += ", x-ext-" + std::to_string(i) + "=\"a,b;" + std::string(100, 'c') + "\"";
  // Hundreds of members: more than a parser needs to read.
  std::string many = "max-age=60";
  for (int i = 0; i < 500; ++i) many += ", x" + std::to_string(i);
  origin_.reply("/huge", reply_with("huge", huge));
  origin_.reply("/many", reply_with("many", many));
  origin_.reply("/garbage", reply_with("garbage", "max-age=abc, s-maxage=-5, =, ,,, max-age"));
  origin_.reply("/overflow", reply_with("overflow", "max-age=99999999999999999999999999"));
  ASSERT_TRUE(start_with());

  for (const std::string path : {"/huge", "/many", "/garbage", "/overflow"}) {
    SCOPED_TRACE(path);
    HttpResponse first = get(path);
    EXPECT_EQ(first.status, 200) << first.error;
    EXPECT_EQ(first.body, path.substr(1));
    HttpResponse second = get(path);
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(second.body, path.substr(1));
  }
  EXPECT_EQ(x_cache(get("/huge")), "HIT") << "max-age=60 among many extensions was lost";
  HttpResponse huge_request = get("/huge", {{"Cache-Control", std::string(8000, ',')}});
  EXPECT_EQ(huge_request.status, 200);
  EXPECT_TRUE(serves_normally());
}

TEST_F(CacheBasicsTest, OnlyIfCachedMissIs504) {
  cache_route("{}");
  origin_.on("/oic", numbered("oic", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  HttpResponse miss = get("/oic", {{"Cache-Control", "only-if-cached"}});
  EXPECT_TRUE(is_gateway_error(miss, 504, "GATEWAY_TIMEOUT"));
  EXPECT_EQ(origin_.request_count("/oic"), 0u);
  EXPECT_EQ(get("/oic").body, "oic-1");
  HttpResponse hit = get("/oic", {{"Cache-Control", "only-if-cached"}});
  EXPECT_EQ(hit.status, 200);
  EXPECT_EQ(hit.body, "oic-1");
}

// GET/HEAD answer "<path>-<n>" (max-age=60); other methods answer `status`
// with `location` / `content_location` when given.
OriginHandler resource(std::string name, int unsafe_status = 200, std::string location = "",
                       std::string content_location = "") {
  auto gets = std::make_shared<std::atomic<int>>(0);
  return [=](const ReceivedRequest& request) {
    if (request.method == "GET" || request.method == "HEAD") {
      return reply_with(name + "-" + std::to_string(++*gets), "max-age=60");
    }
    OriginReply reply = OriginReply::text(unsafe_status, "changed");
    if (!location.empty()) reply.headers.emplace_back("Location", location);
    if (!content_location.empty()) reply.headers.emplace_back("Content-Location", content_location);
    return reply;
  };
}

TEST_F(CacheBasicsTest, SuccessfulUnsafeMethodsInvalidateTheUrlAndItsLocations) {
  cache_route("{}");
  origin_.on("/items/1", resource("one"));
  origin_.on("/items/2", resource("two"));
  origin_.on("/items/3", resource("three"));
  origin_.on("/items/4", resource("four", 500));
  origin_.on("/items/5", resource("five"));
  origin_.on("/items/6", resource("six"));
  origin_.on("/items", resource("list", 201, "/items/2"));
  origin_.on("/moved", resource("moved", 200, "", "/items/3"));
  origin_.on("/elsewhere", resource("elsewhere", 201, "http://other.example/items/5"));
  ASSERT_TRUE(start_with());
  for (const std::string path :
       {"/items/1", "/items/2", "/items/3", "/items/4", "/items/5", "/items/6"}) {
    get(path);
    ASSERT_EQ(x_cache(get(path)), "HIT") << path;
  }

  EXPECT_EQ(send("POST", "/items/1", {}, "x").status, 200);
  EXPECT_EQ(get("/items/1").body, "one-2") << "POST did not invalidate its URL";
  EXPECT_EQ(send("POST", "/items", {}, "x").status, 201);
  EXPECT_EQ(get("/items/2").body, "two-2") << "POST did not invalidate its Location";
  EXPECT_EQ(send("PUT", "/moved", {}, "x").status, 200);
  EXPECT_EQ(get("/items/3").body, "three-2") << "PUT did not invalidate its Content-Location";
  EXPECT_EQ(send("DELETE", "/items/6").status, 200);
  EXPECT_EQ(get("/items/6").body, "six-2") << "DELETE did not invalidate its URL";

  EXPECT_EQ(send("POST", "/items/4", {}, "x").status, 500);
  EXPECT_EQ(get("/items/4").body, "four-1") << "a failed POST invalidated the URL";
  EXPECT_EQ(send("POST", "/elsewhere", {}, "x").status, 201);
  EXPECT_EQ(get("/items/5").body, "five-1") << "a Location on another host invalidated";
}

TEST_F(CacheBasicsTest, UnsafeMethodsBypassAndInvalidateWhateverTheQueryOrder) {
  cache_route("{}");
  origin_.on("/list", resource("list"));
  ASSERT_TRUE(start_with());
  get("/list?b=2&a=1");
  ASSERT_EQ(x_cache(get("/list?a=1&b=2")), "HIT");  // the same entry: query order is not keyed

  HttpResponse post = send("POST", "/list?b=2&a=1", {}, "x");
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(x_cache(post), "BYPASS");
  EXPECT_TRUE(cache_status_has(post, "fwd=bypass")) << post.header("cache-status").value_or("");
  HttpResponse after = get("/list?a=1&b=2");
  EXPECT_EQ(x_cache(after), "MISS") << "POST with the query in another order did not invalidate";
  EXPECT_EQ(after.body, "list-2");
}

TEST_F(CacheBasicsTest, PurgeByUrlMatchesWhateverTheQueryOrder) {
  cache_route("{}");
  origin_.on("/list", resource("list"));
  ASSERT_TRUE(start_with());
  get("/list?a=1&b=2");
  ASSERT_EQ(x_cache(get("/list?a=1&b=2")), "HIT");
  EXPECT_EQ(purged_count(purge(R"({"url": "/list?b=2&a=1"})")), 1);
  EXPECT_EQ(x_cache(get("/list?a=1&b=2")), "MISS");
}

TEST_F(CacheBasicsTest, CentinelaCacheControlSteersThisCacheAndIsNotForwarded) {
  cache_route("{}");
  origin_.on("/steered", numbered("steered", {{"Cache-Control", "no-store"},
                                              {"Centinela-Cache-Control", "max-age=60"}}));
  origin_.on("/steered-off", numbered("off", {{"Cache-Control", "max-age=60"},
                                              {"Centinela-Cache-Control", "no-store"}}));
  origin_.on("/cdn",
             numbered("cdn", {{"Cache-Control", "no-store"}, {"CDN-Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  HttpResponse first = get("/steered");
  EXPECT_EQ(first.body, "steered-1");
  EXPECT_FALSE(first.has_header("centinela-cache-control"));
  HttpResponse hit = get("/steered");
  EXPECT_EQ(hit.body, "steered-1");
  EXPECT_EQ(x_cache(hit), "HIT");
  EXPECT_FALSE(hit.has_header("centinela-cache-control"));
  EXPECT_TRUE(icontains(hit.header("cache-control").value_or(""), "no-store"))
      << "the origin's Cache-Control is for the caches after this one";

  get("/steered-off");
  EXPECT_EQ(get("/steered-off").body, "off-2");

  HttpResponse cdn_first = get("/cdn");
  EXPECT_EQ(cdn_first.header("cdn-cache-control").value_or(""), "max-age=60");
  HttpResponse cdn_hit = get("/cdn");
  EXPECT_EQ(cdn_hit.body, "cdn-1");
  EXPECT_EQ(x_cache(cdn_hit), "HIT");
}

TEST_F(CacheBasicsTest, BypassHeaderAndCookieSkipTheCache) {
  cache_route("{ttl: 60s, bypass: {headers: [x-no-cache], cookies: [session]}}");
  origin_.on("/b", numbered("b"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/b").body, "b-1");
  HttpResponse by_header = get("/b", {{"X-No-Cache", "1"}});
  EXPECT_EQ(by_header.body, "b-2");
  EXPECT_EQ(x_cache(by_header), "BYPASS");
  EXPECT_EQ(get("/b", {{"X-No-Cache", "1"}}).body, "b-3");
  HttpResponse by_cookie = get("/b", {{"Cookie", "theme=dark; session=abc"}});
  EXPECT_EQ(by_cookie.body, "b-4");
  EXPECT_EQ(x_cache(by_cookie), "BYPASS");
  HttpResponse other_cookie = get("/b", {{"Cookie", "theme=dark"}});
  EXPECT_EQ(other_cookie.body, "b-1");
  EXPECT_EQ(x_cache(other_cookie), "HIT");
  EXPECT_EQ(get("/b").body, "b-1") << "a bypassed response was stored";
}

TEST_F(CacheBasicsTest, SetCookieResponsesAreStoredWhenTheRouteSaysSo) {
  cache_route("{store_set_cookie: true}");
  origin_.on("/sc", numbered("sc", {{"Cache-Control", "max-age=60"}, {"Set-Cookie", "a=1"}}));
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/sc").body, "sc-1");
  HttpResponse hit = get("/sc");
  EXPECT_EQ(hit.body, "sc-1");
  EXPECT_EQ(x_cache(hit), "HIT");
}

TEST_F(CacheBasicsTest, BodiesOverMaxObjectSizeAreRelayedButNotStored) {
  cache_route("{max_object_size: 1KiB}");
  origin_.reply("/big", reply_with(std::string(4000, 'b'), "max-age=60"));
  origin_.reply("/small", reply_with(std::string(100, 's'), "max-age=60"));
  ASSERT_TRUE(start_with());

  for (int i = 0; i < 2; ++i) {
    HttpResponse big = get("/big");
    EXPECT_EQ(big.status, 200);
    EXPECT_EQ(big.body, std::string(4000, 'b'));
  }
  EXPECT_EQ(origin_.request_count("/big"), 2u);
  get("/small");
  EXPECT_EQ(x_cache(get("/small")), "HIT");
}

TEST_F(CacheBasicsTest, MetricsCountResultsBytesAndEntries) {
  cache_route("{bypass: {headers: [x-no-cache]}}");
  origin_.on("/m", numbered("m", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());

  get("/m");
  get("/m");
  get("/m");
  get("/m", {{"X-No-Cache", "1"}});
  auto counted = [&](const std::string& result) {
    return metric("centinela_cache_requests_total", {{"route", "cached"}, {"result", result}})
        .value_or(0);
  };
  EXPECT_TRUE(eventually([&] { return counted("hit") >= 2; }, 3000ms, 50ms)) << metrics_text();
  EXPECT_GE(counted("miss"), 1);
  EXPECT_GE(counted("bypass"), 1);
  EXPECT_GT(metric("centinela_cache_bytes").value_or(0), 0);
  EXPECT_GE(metric("centinela_cache_entries").value_or(0), 1);
  EXPECT_TRUE(metric("centinela_cache_evictions_total").has_value());
  const std::string text = metrics_text();
  EXPECT_NE(text.find("# TYPE centinela_cache_requests_total counter"), std::string::npos);
  EXPECT_NE(text.find("# TYPE centinela_cache_bytes gauge"), std::string::npos);
}

TEST_F(CacheBasicsTest, RoutesWithoutCacheNeverCache) {
  origin_.on("/plain", numbered("plain", {{"Cache-Control", "public, max-age=60"}}));
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/plain").body, "plain-1");
  HttpResponse second = get("/plain");
  EXPECT_EQ(second.body, "plain-2");
  EXPECT_FALSE(second.has_header("x-cache"));
}

}  // namespace
}  // namespace itest
