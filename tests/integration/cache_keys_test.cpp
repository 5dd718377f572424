// What a cache entry is keyed on: the identity for per-user routes, the
// normalised query, Vary (Accept-Encoding normalised), and what it must not
// be influenced by: unkeyed headers such as X-Forwarded-Host.
#include "cache_fixture.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

class CacheKeysTest : public CacheTest {};

TEST_F(CacheKeysTest, PerUserEntriesAreNeverServedToAnotherUser) {
  cache_route("{ttl: 60s, key: [user]}");
  origin_.on("/me", numbered("me"));
  ASSERT_TRUE(start_with(api_keys_yaml()));
  const HeaderList bob = {{"X-Api-Key", "k_live_bob"}};
  const HeaderList carol = {{"X-Api-Key", "k_live_carol"}};

  EXPECT_EQ(get("/me", bob).body, "me-1");
  HttpResponse for_carol = get("/me", carol);
  EXPECT_EQ(for_carol.body, "me-2") << "carol was served bob's entry";
  EXPECT_NE(x_cache(for_carol), "HIT");
  HttpResponse anonymous = get("/me");
  EXPECT_EQ(anonymous.body, "me-3") << "an anonymous client was served a user's entry";

  HttpResponse bob_again = get("/me", bob);
  EXPECT_EQ(bob_again.body, "me-1");
  EXPECT_EQ(x_cache(bob_again), "HIT");
  EXPECT_EQ(get("/me", carol).body, "me-2");
  EXPECT_EQ(get("/me").body, "me-3");
  // An unknown key is no identity: it does not get bob's entry either.
  HttpResponse unknown = get("/me", {{"X-Api-Key", "k_live_mallory"}});
  EXPECT_NE(unknown.body, "me-1");
  EXPECT_NE(unknown.body, "me-2");
}

// The origin reflects request fields that some frameworks trust into its body.
OriginReply reflecting(const ReceivedRequest& request) {
  std::string body = "page for host=" + request.header("x-forwarded-host").value_or("-") +
                     " xhost=" + request.header("x-host").value_or("-") +
                     " url=" + request.header("x-original-url").value_or("-") +
                     " rewrite=" + request.header("x-rewrite-url").value_or("-");
  return reply_with(body, "max-age=60");
}

const HeaderList kPoison = {{"X-Forwarded-Host", "evil.example"},
                            {"X-Host", "evil.example"},
                            {"X-Original-URL", "/evil"},
                            {"X-Rewrite-URL", "/evil"}};

TEST_F(CacheKeysTest, UnkeyedHeadersCannotPoisonAnEntry) {
  cache_route("{}");
  origin_.on("/page", reflecting);
  ASSERT_TRUE(start_with());

  HttpResponse attack = get("/page", kPoison);
  EXPECT_EQ(attack.status, 200);
  HttpResponse victim = get("/page");
  EXPECT_EQ(victim.status, 200);
  EXPECT_EQ(victim.body.find("evil"), std::string::npos)
      << "a normal client got the attacker's response: " << victim.body;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(get("/page").body.find("evil"), std::string::npos);
  }
}

TEST_F(CacheKeysTest, UnkeyedHeadersGetTheNormalEntry) {
  cache_route("{}");
  origin_.on("/page", reflecting);
  ASSERT_TRUE(start_with());

  HttpResponse normal = get("/page");
  ASSERT_EQ(normal.status, 200);
  HttpResponse attack = get("/page", kPoison);
  EXPECT_EQ(attack.body, normal.body);
  EXPECT_EQ(x_cache(attack), "HIT") << "unkeyed headers created a separate entry";
  EXPECT_EQ(origin_.request_count("/page"), 1u);
  EXPECT_EQ(get("/page").body, normal.body);
}

TEST_F(CacheKeysTest, QueryOrderIsNormalisedAndIgnoredParamsLeftOut) {
  cache_route("{ttl: 60s, ignore_query_params: [utm_source]}");
  origin_.on("/q", numbered("q"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/q?b=2&a=1").body, "q-1");
  for (const std::string target :
       {"/q?a=1&b=2", "/q?a=1&b=2&utm_source=news", "/q?utm_source=mail&b=2&a=1"}) {
    HttpResponse hit = get(target);
    EXPECT_EQ(hit.body, "q-1") << target;
    EXPECT_EQ(x_cache(hit), "HIT") << target;
  }
  EXPECT_EQ(get("/q?a=1&b=3").body, "q-2");
  EXPECT_EQ(get("/q").body, "q-3");
  EXPECT_EQ(get("/q?utm_source=x").body, "q-3") << "only an ignored parameter: same as none";
  EXPECT_EQ(origin_.request_count("/q"), 3u);
}

TEST_F(CacheKeysTest, VaryQueryParamsKeepsOnlyTheListedParameters) {
  cache_route("{ttl: 60s, vary_query_params: [page]}");
  origin_.on("/list", numbered("list"));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/list?page=1&sort=a").body, "list-1");
  EXPECT_EQ(get("/list?sort=b&page=1").body, "list-1");
  EXPECT_EQ(get("/list?page=2&sort=a").body, "list-2");
}

TEST_F(CacheKeysTest, VaryAcceptEncodingIsNormalised) {
  cache_route("{}");
  origin_.on("/va", numbered("va", {{"Cache-Control", "max-age=60"},
                                    {"Vary", "Accept-Encoding"},
                                    {"Content-Type", "application/octet-stream"}}));
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/va", {{"Accept-Encoding", "gzip, deflate"}}).body, "va-1");
  for (const std::string value : {"deflate, gzip", "gzip,deflate", "GZIP, Deflate"}) {
    HttpResponse hit = get("/va", {{"Accept-Encoding", value}});
    EXPECT_EQ(hit.body, "va-1") << value;
    EXPECT_EQ(x_cache(hit), "HIT") << value;
  }
  EXPECT_EQ(origin_.request_count("/va"), 1u);
}

TEST_F(CacheKeysTest, AnEntryInACodingTheClientDoesNotAcceptIsNotServedToIt) {
  // The origin prefers deflate, which the gateway's normalisation of
  // Accept-Encoding does not name: "gzip, deflate" and "gzip" look alike.
  cache_route("{}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/coded", [count](const ReceivedRequest& request) {
    const bool deflate = icontains(request.header("accept-encoding").value_or(""), "deflate");
    HeaderList fields = {{"Vary", "Accept-Encoding"}};
    if (deflate) fields.emplace_back("Content-Encoding", "deflate");
    return reply_with((deflate ? "deflated-" : "gzipped-") + std::to_string(++*count), "max-age=60",
                      fields);
  });
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/coded", {{"Accept-Encoding", "gzip, deflate"}}).body, "deflated-1");
  HttpResponse gzip_only = get("/coded", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gzip_only.body, "gzipped-2") << "a client got a coding it did not accept";
  EXPECT_NE(gzip_only.header("content-encoding").value_or(""), "deflate");
  EXPECT_EQ(x_cache(get("/coded", {{"Accept-Encoding", "gzip"}})), "HIT");
}

TEST_F(CacheKeysTest, VaryOnACustomHeaderKeepsSeparateVariants) {
  cache_route("{}");
  origin_.on("/vc", [](const ReceivedRequest& request) {
    return reply_with("variant " + request.header("x-custom").value_or("none"), "max-age=60",
                      {{"Vary", "X-Custom"}});
  });
  ASSERT_TRUE(start_with());

  EXPECT_EQ(get("/vc", {{"X-Custom", "a"}}).body, "variant a");
  HttpResponse b = get("/vc", {{"X-Custom", "b"}});
  EXPECT_EQ(b.body, "variant b");
  EXPECT_NE(x_cache(b), "HIT");
  EXPECT_EQ(get("/vc").body, "variant none");
  HttpResponse a_again = get("/vc", {{"X-Custom", "a"}});
  EXPECT_EQ(a_again.body, "variant a");
  EXPECT_EQ(x_cache(a_again), "HIT");
  EXPECT_EQ(get("/vc", {{"X-Custom", "b"}}).body, "variant b");
  EXPECT_EQ(get("/vc").body, "variant none");
  EXPECT_EQ(origin_.request_count("/vc"), 3u);
}

TEST_F(CacheKeysTest, VaryOnAFieldTheGatewayWritesPerRequestIsNotStored) {
  // What the upstream reads in X-Forwarded-For (the client's address, and a
  // trusted proxy's list) or X-Request-ID is the gateway's, per request: an
  // answer that varies on it fits nobody else.
  config_.trusted_proxies = {"127.0.0.1/32"};
  cache_route("{}");
  for (const std::string path : {"/xff", "/rid"}) {
    origin_.on(path, [path](const ReceivedRequest& request) {
      const std::string field = path == "/xff" ? "X-Forwarded-For" : "X-Request-ID";
      return reply_with("for " + request.header(field).value_or("-"), "max-age=60",
                        {{"Vary", field}});
    });
  }
  ASSERT_TRUE(start_with());

  HttpResponse first = get("/xff", {{"X-Forwarded-For", "203.0.113.7"}});
  EXPECT_EQ(first.body, "for 203.0.113.7, 127.0.0.1");
  HttpResponse other = get("/xff");
  EXPECT_EQ(other.body, "for 127.0.0.1") << "another client got the answer for 203.0.113.7";
  EXPECT_NE(x_cache(get("/xff")), "HIT");
  HttpResponse by_id = get("/rid");
  EXPECT_NE(get("/rid").body, by_id.body) << "an answer for one request id served another";
  EXPECT_EQ(origin_.request_count("/rid"), 2u);
}

TEST_F(CacheKeysTest, EnormousKeysAreCachedOrRelayedSafely) {
  cache_route("{ttl: 60s}");
  config_.limits = "max_header_bytes: 64KiB";
  ASSERT_TRUE(start_with());
  const std::string long_path = "/long/" + std::string(12000, 'k');
  const std::string long_query = "/q?" + std::string(12000, 'a') + "=1";
  for (const std::string& target : {long_path, long_query}) {
    HttpResponse first = get(target);
    EXPECT_EQ(first.status, 200) << first.error;
    HttpResponse second = get(target);
    EXPECT_EQ(second.status, 200) << second.error;
  }
  // The two differ only after their first few thousand bytes: no shared entry.
  const std::string other_path = "/long/" + std::string(11999, 'k') + "z";
  auto other = parse_json(get(other_path).body);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->string_at("target"), other_path);
  EXPECT_TRUE(serves_normally());
}

TEST_F(CacheKeysTest, ThousandsOfVaryVariantsStayWithinTheMemoryBound) {
  cache_route("{}");
  const std::string filler(2048, 'v');
  origin_.on("/vmany", [filler](const ReceivedRequest& request) {
    return reply_with(filler + request.header("x-custom").value_or("none"), "max-age=60",
                      {{"Vary", "X-Custom"}});
  });
  ASSERT_TRUE(start_with("cache:\n  memory: 1MiB\n"));
  const std::uint64_t rss_before = gateway_->rss_bytes();

  int answered = 0;
  std::unique_ptr<HttpConnection> connection;
  for (int i = 0; i < 2000; ++i) {
    if (!connection || !connection->connected()) {
      connection = std::make_unique<HttpConnection>(port());
    }
    const std::string value = "value-" + std::to_string(i);
    if (!connection->send(build_request("GET", "/vmany", {{"X-Custom", value}}))) {
      connection.reset();
      continue;
    }
    HttpResponse response = connection->read_response();
    if (response.status == 200 && response.body == filler + value) ++answered;
    if (response.status == 0 || icontains(response.header("connection").value_or(""), "close")) {
      connection.reset();
    }
  }
  EXPECT_EQ(answered, 2000);
  EXPECT_TRUE(serves_normally());
  EXPECT_EQ(get("/vmany", {{"X-Custom", "one more"}}).body, filler + "one more");
  EXPECT_LE(metric("centinela_cache_bytes").value_or(0), 1024.0 * 1024);
  EXPECT_LT(metric("centinela_cache_entries").value_or(0), 2000);
  EXPECT_LT(gateway_->rss_bytes(), rss_before + 64ull * 1024 * 1024);
}

}  // namespace
}  // namespace itest
