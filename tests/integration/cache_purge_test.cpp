// POST /admin/cache/purge on one gateway: by url, prefix, tags (Cache-Tags
// and Surrogate-Key), user and all; the answer counts what was removed and
// the next request is a miss. Bad bodies are 400 JSON errors.
#include "cache_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

class CachePurgeTest : public CacheTest {
 protected:
  // GETs `path` until it is a HIT (at most twice): it is in the cache.
  ::testing::AssertionResult cached(const std::string& path, const HeaderList& headers = {}) {
    get(path, headers);
    HttpResponse again = get(path, headers);
    if (x_cache(again) == "HIT") return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << path << " is not cached: X-Cache " << x_cache(again);
  }
};

TEST_F(CachePurgeTest, ByUrl) {
  cache_route("{}");
  origin_.on("/p", numbered("p", {{"Cache-Control", "max-age=60"}}));
  origin_.on("/p2", numbered("p2", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());
  ASSERT_TRUE(cached("/p"));
  ASSERT_TRUE(cached("/p2"));

  HttpResponse answer = purge(R"({"url": "/p"})");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(icontains(answer.header("content-type").value_or(""), "application/json"));
  EXPECT_EQ(purged_count(answer), 1) << answer.body;
  HttpResponse after = get("/p");
  EXPECT_EQ(after.body, "p-2");
  EXPECT_EQ(x_cache(after), "MISS");
  EXPECT_EQ(x_cache(get("/p2")), "HIT");
  EXPECT_EQ(purged_count(purge(R"({"url": "/nothing-here"})")), 0);
}

TEST_F(CachePurgeTest, ByPrefix) {
  cache_route("{}");
  for (const std::string path : {"/api/one", "/api/two", "/apix/three", "/other"}) {
    origin_.on(path, numbered(path, {{"Cache-Control", "max-age=60"}}));
  }
  ASSERT_TRUE(start_with());
  for (const std::string path : {"/api/one", "/api/two", "/apix/three", "/other"}) {
    ASSERT_TRUE(cached(path));
  }

  HttpResponse answer = purge(R"({"prefix": "/api/"})");
  EXPECT_EQ(purged_count(answer), 2) << answer.status << " " << answer.body;
  EXPECT_EQ(x_cache(get("/api/one")), "MISS");
  EXPECT_EQ(x_cache(get("/api/two")), "MISS");
  EXPECT_EQ(x_cache(get("/apix/three")), "HIT");
  EXPECT_EQ(x_cache(get("/other")), "HIT");
}

TEST_F(CachePurgeTest, ByTagsFromCacheTagsAndSurrogateKey) {
  cache_route("{}");
  origin_.on("/t1", numbered("t1", {{"Cache-Control", "max-age=60"}, {"Cache-Tags", "t1,t2"}}));
  origin_.on("/t2", numbered("t2", {{"Cache-Control", "max-age=60"}, {"Surrogate-Key", "t2 t3"}}));
  origin_.on("/t3", numbered("t3", {{"Cache-Control", "max-age=60"}, {"Cache-Tags", "t3"}}));
  origin_.on("/none", numbered("none", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());
  for (const std::string path : {"/t1", "/t2", "/t3", "/none"}) ASSERT_TRUE(cached(path));

  HttpResponse answer = purge(R"({"tags": ["t1"]})");
  EXPECT_EQ(purged_count(answer), 1) << answer.status << " " << answer.body;
  EXPECT_EQ(x_cache(get("/t1")), "MISS");
  EXPECT_EQ(x_cache(get("/t2")), "HIT");

  answer = purge(R"({"tags": ["t3"]})");
  EXPECT_EQ(purged_count(answer), 2) << answer.body;
  EXPECT_EQ(x_cache(get("/t2")), "MISS") << "Surrogate-Key tags were not indexed";
  EXPECT_EQ(x_cache(get("/t3")), "MISS");
  EXPECT_EQ(x_cache(get("/t1")), "HIT");
  EXPECT_EQ(x_cache(get("/none")), "HIT");

  answer = purge(R"({"tags": ["t2", "unknown"]})");
  EXPECT_EQ(purged_count(answer), 2) << answer.body;
  EXPECT_EQ(x_cache(get("/none")), "HIT");
}

TEST_F(CachePurgeTest, ByUser) {
  cache_route("{ttl: 60s, key: [user]}");
  origin_.on("/me", numbered("me"));
  origin_.on("/orders", numbered("orders"));
  ASSERT_TRUE(start_with(api_keys_yaml()));
  const HeaderList bob = {{"X-Api-Key", "k_live_bob"}};
  const HeaderList carol = {{"X-Api-Key", "k_live_carol"}};
  ASSERT_TRUE(cached("/me", bob));
  ASSERT_TRUE(cached("/orders", bob));
  ASSERT_TRUE(cached("/me", carol));

  HttpResponse answer = purge(R"({"user": "bob"})");
  EXPECT_EQ(purged_count(answer), 2) << answer.status << " " << answer.body;
  EXPECT_EQ(x_cache(get("/me", bob)), "MISS");
  EXPECT_EQ(x_cache(get("/orders", bob)), "MISS");
  EXPECT_EQ(x_cache(get("/me", carol)), "HIT");
}

TEST_F(CachePurgeTest, All) {
  cache_route("{}");
  for (const std::string path : {"/a", "/b", "/c"}) {
    origin_.on(path, numbered(path, {{"Cache-Control", "max-age=60"}}));
  }
  ASSERT_TRUE(start_with());
  for (const std::string path : {"/a", "/b", "/c"}) ASSERT_TRUE(cached(path));

  HttpResponse answer = purge(R"({"all": true})");
  EXPECT_EQ(purged_count(answer), 3) << answer.status << " " << answer.body;
  for (const std::string path : {"/a", "/b", "/c"}) EXPECT_EQ(x_cache(get(path)), "MISS") << path;
  EXPECT_TRUE(
      eventually([&] { return metric("centinela_cache_entries").value_or(-1) == 3; }, 2000ms, 50ms))
      << "centinela_cache_entries " << metric("centinela_cache_entries").value_or(-1);
}

TEST_F(CachePurgeTest, BadBodiesAre400JsonErrors) {
  cache_route("{}");
  origin_.on("/kept", numbered("kept", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());
  ASSERT_TRUE(cached("/kept"));

  for (const std::string& body : std::vector<std::string>{
           "", "not json", "{}", "[]", R"({"url": 5})", R"({"tags": "t1"})", R"({"tags": [1]})",
           R"({"unknown": "x"})", R"({"url": "/a", "prefix": "/b"})", R"({"url": "/a")",
           std::string(4096, '{')}) {
    SCOPED_TRACE(body.substr(0, 40));
    HttpResponse answer = purge(body);
    EXPECT_EQ(answer.status, 400) << answer.body;
    auto json = parse_json(answer.body);
    ASSERT_TRUE(json) << answer.body;
    EXPECT_EQ(json->number_at("error.status"), 400);
    EXPECT_EQ(json->string_at("error.code"), "BAD_REQUEST");
    EXPECT_TRUE(icontains(answer.header("content-type").value_or(""), "application/json"));
  }
  EXPECT_EQ(x_cache(get("/kept")), "HIT") << "a bad purge removed entries";
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
