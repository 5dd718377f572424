// The cache where the gateway rewrites the exchange: its own compression
// (the upstream is asked for identity, yet an entry that varies on
// Accept-Encoding is found again by the clients it was made for), and the
// 304 that refreshes a stored entry (re-judged: an entry it makes unstorable
// is dropped; its Set-Cookie reaches the client, never the store).
#include "body_codings.h"
#include "cache_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// About 4 KiB of JSON: above the routes' 1 KiB min_size, compresses well.
std::string json_body() {
  std::string text = "[";
  for (int i = 0; i < 100; ++i) text += "{\"id\":" + std::to_string(i) + ",\"name\":\"widget\"},";
  text.back() = ']';
  return text;
}

class CacheRevalidationTest : public CacheTest {
 protected:
  // A JSON reply of json_body() with Cache-Control, Vary: Accept-Encoding and `extra`.
  OriginReply varying(const std::string& cache_control, HeaderList extra = {}) {
    OriginReply reply = OriginReply::json(200, body_);
    reply.headers.emplace_back("Cache-Control", cache_control);
    reply.headers.emplace_back("Vary", "Accept-Encoding");
    for (auto& field : extra) reply.headers.push_back(std::move(field));
    return reply;
  }

  const std::string body_ = json_body();
};

TEST_F(CacheRevalidationTest, VaryAcceptEncodingOnACompressingRouteIsFoundAgain) {
  cache_route("{}", "compression: {min_size: 1KiB}");
  origin_.reply("/va", varying("max-age=60"));
  ASSERT_TRUE(start_with());

  struct Client {
    std::string accept_encoding;
    std::string coding;  // what the gateway answers with
  };
  for (const Client& client :
       {Client{"gzip", "gzip"}, Client{"gzip, deflate, br", "br"}, Client{"", ""}}) {
    SCOPED_TRACE("Accept-Encoding: " + client.accept_encoding);
    HeaderList headers;
    if (!client.accept_encoding.empty())
      headers.emplace_back("Accept-Encoding", client.accept_encoding);
    for (const std::string expected : {"MISS", "HIT", "HIT"}) {
      HttpResponse response = get("/va", headers);
      ASSERT_EQ(response.status, 200) << response.error;
      EXPECT_EQ(x_cache(response), expected);
      EXPECT_EQ(response.header("content-encoding").value_or(""), client.coding);
      EXPECT_EQ(decoded(response).value_or("(does not decode)"), body_);
      EXPECT_TRUE(icontains(response.header("vary").value_or(""), "accept-encoding"));
    }
  }
  EXPECT_EQ(origin_.request_count("/va"), 3u);
  for (const auto& request : origin_.requests("/va")) {
    EXPECT_FALSE(request.header("accept-encoding")) << "the upstream was asked for a coding";
  }
}

TEST_F(CacheRevalidationTest, ConcurrentBrowserRequestsShareOneUpstreamFetch) {
  cache_route("{}", "compression: {min_size: 1KiB}");
  OriginReply slow = varying("max-age=60");
  slow.delay = 300ms;
  origin_.reply("/slow", slow);
  ASSERT_TRUE(start_with());
  const std::string request =
      build_request("GET", "/slow", {{"Accept-Encoding", "gzip, deflate, br"}});

  std::vector<std::unique_ptr<HttpConnection>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<HttpConnection>(port()));
    ASSERT_TRUE(clients.back()->send(request));
    if (i == 0) {
      ASSERT_TRUE(origin_.wait_for_requests("/slow", 1, 2000ms));
    }
  }
  for (auto& client : clients) {
    HttpResponse response = client->read_response();
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_EQ(decoded(response).value_or("(does not decode)"), body_);
  }
  EXPECT_EQ(origin_.request_count("/slow"), 1u) << "waiting requests went upstream themselves";
}

TEST_F(CacheRevalidationTest, ABackgroundRefreshAsksTheUpstreamAsAClientFetchDoes) {
  cache_route("{}", "compression: {min_size: 1KiB}");
  // Stale on arrival (Age above max-age), within stale-while-revalidate.
  origin_.reply("/swr", varying("max-age=60, stale-while-revalidate=600", {{"Age", "61"}}));
  ASSERT_TRUE(start_with());
  const HeaderList gzip = {{"Accept-Encoding", "gzip"}};

  EXPECT_EQ(x_cache(get("/swr", gzip)), "MISS");
  HttpResponse stale = get("/swr", gzip);
  EXPECT_EQ(x_cache(stale), "STALE");
  EXPECT_EQ(decoded(stale).value_or("(does not decode)"), body_);
  ASSERT_TRUE(origin_.wait_for_requests("/swr", 2, 3000ms)) << "no background refresh";
  for (const auto& request : origin_.requests("/swr")) {
    EXPECT_FALSE(request.header("accept-encoding")) << "the upstream was asked for a coding";
  }
}

// The origin's /r: a first 200 with an ETag that must be revalidated on
// every use; a conditional request gets a 304 with `not_modified` fields;
// an unconditional one a new 200.
OriginHandler revalidated(HeaderList not_modified) {
  auto count = std::make_shared<std::atomic<int>>(0);
  return [not_modified, count](const ReceivedRequest& request) {
    const int n = ++*count;
    if (request.header("if-none-match")) {
      OriginReply reply;
      reply.status = 304;
      reply.headers = not_modified;
      return reply;
    }
    return reply_with("body-" + std::to_string(n), "no-cache", {{"ETag", "\"v\""}});
  };
}

TEST_F(CacheRevalidationTest, A304ThatForbidsStorageDropsTheEntry) {
  cache_route("{}");
  origin_.on("/no-store", revalidated({{"Cache-Control", "no-store"}}));
  origin_.on("/private", revalidated({{"Cache-Control", "private"}}));
  origin_.on("/vary-star", revalidated({{"Cache-Control", "no-cache"}, {"Vary", "*"}}));
  ASSERT_TRUE(start_with());

  for (const std::string path : {"/no-store", "/private", "/vary-star"}) {
    SCOPED_TRACE(path);
    EXPECT_EQ(x_cache(get(path)), "MISS");
    HttpResponse refreshed = get(path);
    EXPECT_EQ(refreshed.status, 200) << refreshed.error;
    EXPECT_EQ(refreshed.body, "body-1") << "the client did not get its answer";
    EXPECT_EQ(x_cache(refreshed), "REVALIDATED");
    HttpResponse after = get(path);
    EXPECT_EQ(after.body, "body-3");
    EXPECT_EQ(x_cache(after), "MISS") << "the entry the 304 made unstorable was kept";
    ASSERT_EQ(origin_.request_count(path), 3u);
    EXPECT_FALSE(origin_.requests(path)[2].header("if-none-match"));
  }
}

TEST_F(CacheRevalidationTest, TheSetCookieOfA304ReachesTheClientAndIsNotStored) {
  cache_route("{}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/c", [count](const ReceivedRequest& request) {
    const int n = ++*count;
    if (!request.header("if-none-match")) {
      return reply_with("body-" + std::to_string(n), "no-cache", {{"ETag", "\"v\""}});
    }
    OriginReply reply;
    reply.status = 304;
    if (n == 2) reply.headers.emplace_back("Set-Cookie", "sid=for-client-2; Path=/");
    return reply;
  });
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/c").body, "body-1");
  HttpResponse with_cookie = get("/c");
  EXPECT_EQ(with_cookie.body, "body-1");
  EXPECT_EQ(x_cache(with_cookie), "REVALIDATED");
  EXPECT_EQ(with_cookie.header("set-cookie").value_or("(none)"), "sid=for-client-2; Path=/");
  HttpResponse next = get("/c");
  EXPECT_EQ(next.body, "body-1");
  EXPECT_EQ(x_cache(next), "REVALIDATED") << "the entry was not kept";
  EXPECT_FALSE(next.has_header("set-cookie")) << "another client got client 2's cookie";
}

}  // namespace
}  // namespace itest
