// A route's `cache.override` over real sockets: the origin's Cache-Control,
// Expires and Set-Cookie ignored, lifetimes by status, and answers to
// authenticated requests cached per user — with the attacks each one invites:
// one user's cookie or answer reaching another user, an anonymous client or
// a forged token.
#include "cache_fixture.h"
#include "test_tokens.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

using tokens::kAliceToken;
using tokens::kBobToken;
using tokens::kSecret;
// alice's token with its signature's last character changed.
constexpr const char* kForgedAliceToken =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhbGljZUBleGFtcGxlIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "8NRHiI9f_Be1NW4vw8sY8I8MJzop5B38omn7Uz1OXpA";

std::string jwt_identity() {
  return std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret + "\"}\n";
}

HeaderList bearer(const char* token) { return {{"Authorization", std::string("Bearer ") + token}}; }

// Answers as whoever the Authorization names ("for <token>-<n>"), with
// `extra` fields on every reply.
OriginHandler personal(HeaderList extra = {}) {
  auto count = std::make_shared<std::atomic<int>>(0);
  return [extra, count](const ReceivedRequest& request) {
    const std::string who = request.header("authorization").value_or("nobody");
    return reply_with("for " + who + "-" + std::to_string(++*count), "", extra);
  };
}

class CacheOverrideTest : public CacheTest {};

TEST_F(CacheOverrideTest, IgnoringCacheControlCachesWhatTheOriginForbidsAndStillRelaysIt) {
  cache_route("{ttl: 1m, override: {ignore: [cache-control]}}");
  origin_.on("/page", numbered("page", {{"Cache-Control", "no-store, private, max-age=0"}}));
  ASSERT_TRUE(start_with());
  const HttpResponse first = get("/page");
  EXPECT_EQ(first.body, "page-1");
  EXPECT_TRUE(cache_status_has(first, "stored"));
  const HttpResponse second = get("/page");
  EXPECT_EQ(second.body, "page-1");
  EXPECT_EQ(x_cache(second), "HIT");
  // The client's own caching is its business: the field still reaches it.
  EXPECT_EQ(second.header("cache-control").value_or(""), "no-store, private, max-age=0");
  EXPECT_EQ(origin_.request_count("/page"), 1u);
}

TEST_F(CacheOverrideTest, WithoutOverrideTheSameOriginIsNeverCached) {
  cache_route("{ttl: 1m}");
  origin_.on("/page", numbered("page", {{"Cache-Control", "no-store, private, max-age=0"}}));
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/page").body, "page-1");
  EXPECT_EQ(get("/page").body, "page-2");
}

TEST_F(CacheOverrideTest, IgnoringExpiresUsesTheRouteTtlInstead) {
  cache_route("{ttl: 1m, override: {ignore: [expires]}}");
  origin_.on("/old", numbered("old", {{"Expires", "Thu, 01 Jan 1970 00:00:00 GMT"}}));
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/old").body, "old-1");
  const HttpResponse again = get("/old");
  EXPECT_EQ(again.body, "old-1");
  EXPECT_EQ(x_cache(again), "HIT");
}

TEST_F(CacheOverrideTest, ASetCookieIsNeverReplayedToAnotherUser) {
  cache_route("{override: {ignore: [set-cookie]}}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/home", [count](const ReceivedRequest&) {
    const int n = ++*count;
    return reply_with("home-" + std::to_string(n), "max-age=60",
                      {{"Set-Cookie", "session=secret-of-visitor-" + std::to_string(n)}});
  });
  ASSERT_TRUE(start_with());
  // User A's visit: stored, and A (alone) gets its cookie.
  const HttpResponse for_a = get("/home", {{"Cookie", "who=a"}});
  EXPECT_EQ(for_a.body, "home-1");
  EXPECT_EQ(for_a.header("set-cookie").value_or(""), "session=secret-of-visitor-1");
  EXPECT_TRUE(cache_status_has(for_a, "stored"));
  // User B gets A's page from the cache, never A's cookie.
  const HttpResponse for_b = get("/home", {{"Cookie", "who=b"}});
  EXPECT_EQ(for_b.body, "home-1");
  EXPECT_EQ(x_cache(for_b), "HIT");
  EXPECT_FALSE(for_b.header("set-cookie").has_value()) << *for_b.header("set-cookie");
  for (const auto& [name, value] : for_b.headers) {
    EXPECT_EQ(value.find("secret-of-visitor"), std::string::npos) << name;
  }
  EXPECT_EQ(origin_.request_count("/home"), 1u);
}

TEST_F(CacheOverrideTest, AClientWaitingOnAnotherOnesFetchDoesNotGetItsCookie) {
  cache_route("{override: {ignore: [set-cookie]}}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/slow", [count](const ReceivedRequest&) {
    const int n = ++*count;
    OriginReply reply =
        reply_with("slow-" + std::to_string(n), "max-age=60",
                   {{"Set-Cookie", "session=secret-of-visitor-" + std::to_string(n)}});
    reply.delay = 300ms;
    return reply;
  });
  ASSERT_TRUE(start_with());
  HttpConnection first(port());
  ASSERT_TRUE(first.send(build_request("GET", "/slow", {{"Cookie", "who=a"}})));
  ASSERT_TRUE(eventually([&] { return origin_.request_count("/slow") == 1; }, 2000ms, 5ms));
  const HttpResponse follower = get("/slow", {{"Cookie", "who=b"}});  // joins a's fetch
  const HttpResponse for_a = first.read_response();
  EXPECT_EQ(for_a.header("set-cookie").value_or(""), "session=secret-of-visitor-1");
  EXPECT_EQ(follower.status, 200) << follower.error;
  EXPECT_EQ(follower.body, "slow-1");
  EXPECT_FALSE(follower.header("set-cookie").has_value()) << *follower.header("set-cookie");
  EXPECT_EQ(origin_.request_count("/slow"), 1u);
}

TEST_F(CacheOverrideTest, TtlByStatusCachesErrorsBrieflyAndNeverWhatItZeroes) {
  cache_route(R"({override: {ttl_by_status: {"404": 1m, "5xx": 0s, "403": 1m}}})");
  origin_.on("/missing", [n = std::make_shared<int>(0)](const ReceivedRequest&) {
    return OriginReply::text(404, "missing-" + std::to_string(++*n));
  });
  origin_.on("/forbidden", [n = std::make_shared<int>(0)](const ReceivedRequest&) {
    return OriginReply::text(403, "forbidden-" + std::to_string(++*n));
  });
  origin_.on("/broken", [n = std::make_shared<int>(0)](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(503, "broken-" + std::to_string(++*n));
    reply.headers.emplace_back("Cache-Control", "max-age=60");
    return reply;
  });
  ASSERT_TRUE(start_with());
  EXPECT_EQ(get("/missing").body, "missing-1");
  const HttpResponse missing = get("/missing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, "missing-1");
  EXPECT_EQ(x_cache(missing), "HIT");
  // 403 is not a status this cache stores by itself; the route says it is.
  EXPECT_EQ(get("/forbidden").body, "forbidden-1");
  EXPECT_EQ(get("/forbidden").body, "forbidden-1");
  EXPECT_EQ(get("/broken").body, "broken-1");
  EXPECT_EQ(get("/broken").body, "broken-2");
}

TEST_F(CacheOverrideTest, PerUserCachesEachUsersAnswerForThatUserAlone) {
  cache_route("{ttl: 1m, override: {authorization: per_user}}");
  origin_.on("/me", personal({{"Cache-Control", "private"}}));
  ASSERT_TRUE(start_with(jwt_identity()));
  const std::string alice_answer = "for Bearer " + std::string(kAliceToken) + "-1";

  EXPECT_EQ(get("/me", bearer(kAliceToken)).body, alice_answer);
  const HttpResponse alice_again = get("/me", bearer(kAliceToken));
  EXPECT_EQ(alice_again.body, alice_answer);
  EXPECT_EQ(x_cache(alice_again), "HIT");

  // Bob: his own answer, never alice's; then his own entry.
  const HttpResponse for_bob = get("/me", bearer(kBobToken));
  EXPECT_EQ(for_bob.body, "for Bearer " + std::string(kBobToken) + "-2");
  EXPECT_EQ(get("/me", bearer(kBobToken)).body, for_bob.body);

  // Anonymous: never a user's answer.
  const HttpResponse anonymous = get("/me");
  EXPECT_NE(anonymous.body, alice_answer);
  EXPECT_NE(anonymous.body, for_bob.body);
  EXPECT_EQ(anonymous.body, "for nobody-3");
  EXPECT_EQ(origin_.request_count("/me"), 3u);
}

TEST_F(CacheOverrideTest, AForgedTokenNeverReachesTheUsersEntry) {
  cache_route("{ttl: 1m, override: {authorization: per_user}}");
  origin_.on("/me", personal());
  ASSERT_TRUE(start_with(jwt_identity()));
  const std::string alice_answer = "for Bearer " + std::string(kAliceToken) + "-1";
  EXPECT_EQ(get("/me", bearer(kAliceToken)).body, alice_answer);

  for (const char* forged : {kForgedAliceToken, "not-a-jwt"}) {
    SCOPED_TRACE(forged);
    const HttpResponse attempt = get("/me", bearer(forged));
    EXPECT_NE(attempt.body, alice_answer) << "a forged token was served alice's answer";
    EXPECT_EQ(x_cache(attempt), "BYPASS");
    EXPECT_TRUE(cache_status_has(attempt, "detail=unidentified"));
  }
  // Nor stored: the next forged request goes upstream again.
  const std::size_t before = origin_.request_count("/me");
  get("/me", bearer(kForgedAliceToken));
  EXPECT_EQ(origin_.request_count("/me"), before + 1);
  // Alice's entry is still hers.
  EXPECT_EQ(get("/me", bearer(kAliceToken)).body, alice_answer);
}

TEST_F(CacheOverrideTest, PerUserKeepsApiKeyUsersApartAndBypassesUnknownKeys) {
  cache_route("{ttl: 1m, override: {authorization: per_user}}");
  origin_.on("/me", [n = std::make_shared<std::atomic<int>>(0)](const ReceivedRequest& request) {
    return reply_with(
        "for " + request.header("x-api-key").value_or("nobody") + "-" + std::to_string(++*n), "");
  });
  ASSERT_TRUE(start_with(api_keys_yaml()));
  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_bob"}}).body, "for k_live_bob-1");
  EXPECT_EQ(x_cache(get("/me", {{"X-Api-Key", "k_live_bob"}})), "HIT");
  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_carol"}}).body, "for k_live_carol-2");
  const HttpResponse unknown = get("/me", {{"X-Api-Key", "k_live_mallory"}});
  EXPECT_EQ(unknown.body, "for k_live_mallory-3");
  EXPECT_EQ(x_cache(unknown), "BYPASS");
  EXPECT_EQ(get("/me").body, "for nobody-4");
}

TEST_F(CacheOverrideTest, WithoutPerUserAnAuthenticatedAnswerIsNotStored) {
  cache_route("{ttl: 1m}");
  origin_.on("/me", personal());
  ASSERT_TRUE(start_with(jwt_identity()));
  const HttpResponse first = get("/me", bearer(kAliceToken));
  EXPECT_TRUE(cache_status_has(first, "detail=authorization"));
  EXPECT_NE(get("/me", bearer(kAliceToken)).body, first.body);
}

}  // namespace
}  // namespace itest
