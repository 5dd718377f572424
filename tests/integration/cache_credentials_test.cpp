// The cache and the credentials centinela itself reads (identity.api_keys,
// identity.jwt in a header or a cookie), not only Authorization: an answer to
// a request that carried one is shared only when the origin says so (RFC 9111
// §3.5: public, s-maxage, must-revalidate), or kept per identity when the
// route keys on `user` / `api_key`. No other client, and no anonymous one,
// is ever served it: not from L1, not through coalescing, not after a
// revalidation.
#include "cache_fixture.h"
#include "test_tokens.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

using tokens::kAliceToken;
using tokens::kBobToken;
using tokens::kSecret;

// identity: with a JWT read from `where` ("header: x-auth-token" or
// "cookie: session") and API keys for alice and bob.
std::string identity_yaml(const std::string& where) {
  return std::string("identity:\n  jwt: {hs256_secret: \"") + kSecret + "\", " + where +
         "}\n  api_keys: {keys: {\"k_live_alice\": \"alice@example\", \"k_live_bob\": "
         "\"bob@example\"}}\n";
}

// The origin answers as the credential it was given, so a body says whose
// answer a client got: "for <credential>-<n>".
OriginHandler personal(std::string cache_control) {
  auto count = std::make_shared<std::atomic<int>>(0);
  return [cache_control, count](const ReceivedRequest& request) {
    std::string who = request.header("x-api-key")
                          .value_or(request.header("x-auth-token")
                                        .value_or(request.header("cookie").value_or("nobody")));
    return reply_with("for " + who + "-" + std::to_string(++*count), cache_control);
  };
}

class CacheCredentialsTest : public CacheTest {
 protected:
  // Asks `path` as alice (`alice`), then as bob and anonymously: neither may
  // get alice's answer.
  void expect_not_shared(const std::string& path, const HeaderList& alice, const HeaderList& bob) {
    HttpResponse first = get(path, alice);
    ASSERT_EQ(first.status, 200) << first.error;
    HttpResponse for_bob = get(path, bob);
    EXPECT_EQ(for_bob.status, 200) << for_bob.error;
    EXPECT_NE(for_bob.body, first.body) << "bob was served alice's answer";
    EXPECT_NE(x_cache(for_bob), "HIT");
    HttpResponse anonymous = get(path);
    EXPECT_EQ(anonymous.status, 200) << anonymous.error;
    EXPECT_NE(anonymous.body, first.body) << "an anonymous client was served alice's answer";
    EXPECT_NE(x_cache(anonymous), "HIT");
    // Alice may be served the anonymous answer (RFC 9111 §3.5 governs what is
    // stored), never her own earlier one: it was not kept.
    EXPECT_NE(get(path, alice).body, first.body) << "alice's answer was stored";
    EXPECT_EQ(origin_.request_count(path), 3u);
  }
};

TEST_F(CacheCredentialsTest, AnApiKeyAnswerIsNeverServedToAnotherClient) {
  cache_route("{}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));
  expect_not_shared("/me", {{"X-Api-Key", "k_live_alice"}}, {{"X-Api-Key", "k_live_bob"}});
}

TEST_F(CacheCredentialsTest, AJwtInACustomHeaderIsACredential) {
  cache_route("{}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));
  expect_not_shared("/me", {{"X-Auth-Token", kAliceToken}}, {{"X-Auth-Token", kBobToken}});
}

TEST_F(CacheCredentialsTest, AJwtInACookieIsACredential) {
  cache_route("{}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("cookie: session")));
  expect_not_shared("/me", {{"Cookie", std::string("theme=dark; session=") + kAliceToken}},
                    {{"Cookie", std::string("session=") + kBobToken}});
}

TEST_F(CacheCredentialsTest, ACredentialThatNamesNobodyIsStillACredential) {
  // A key the gateway does not know, or a token it cannot verify, gives no
  // identity; the origin may still answer for it.
  cache_route("{}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));
  expect_not_shared("/me", {{"X-Api-Key", "k_live_mallory"}}, {{"X-Auth-Token", "not-a-jwt"}});
}

TEST_F(CacheCredentialsTest, TheOriginMayShareAnAnswerToACredential) {
  cache_route("{}");
  origin_.on("/public", personal("public, max-age=60"));
  origin_.on("/shared", personal("s-maxage=60"));
  origin_.on("/must", personal("must-revalidate, max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("cookie: session")));
  for (const std::string path : {"/public", "/shared", "/must"}) {
    SCOPED_TRACE(path);
    HttpResponse first = get(path, {{"X-Api-Key", "k_live_alice"}});
    EXPECT_EQ(first.body, "for k_live_alice-1");
    HttpResponse anonymous = get(path);
    EXPECT_EQ(anonymous.body, first.body);
    EXPECT_EQ(x_cache(anonymous), "HIT");
    EXPECT_EQ(get(path, {{"Cookie", std::string("session=") + kBobToken}}).body, first.body);
    EXPECT_EQ(origin_.request_count(path), 1u);
  }
}

TEST_F(CacheCredentialsTest, ARouteKeyedOnTheIdentityKeepsOneEntryPerIdentity) {
  cache_route("{key: [user]}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));
  const HeaderList alice = {{"X-Auth-Token", kAliceToken}};
  const HeaderList bob = {{"X-Api-Key", "k_live_bob"}};

  EXPECT_EQ(get("/me", alice).body, "for " + std::string(kAliceToken) + "-1");
  EXPECT_EQ(get("/me", bob).body, "for k_live_bob-2");
  HttpResponse alice_again = get("/me", alice);
  EXPECT_EQ(alice_again.body, "for " + std::string(kAliceToken) + "-1");
  EXPECT_EQ(x_cache(alice_again), "HIT");
  // The same user by another credential: the entry is the user's.
  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_alice"}}).body, alice_again.body);
  EXPECT_EQ(x_cache(get("/me", bob)), "HIT");
  // No identity (a key nobody has, then nothing): the anonymous entry is not
  // made from an answer to a credential.
  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_mallory"}}).body, "for k_live_mallory-3");
  HttpResponse anonymous = get("/me");
  EXPECT_EQ(anonymous.body, "for nobody-4") << "an anonymous client got mallory's answer";
  EXPECT_EQ(x_cache(get("/me")), "HIT");
  EXPECT_EQ(origin_.request_count("/me"), 4u);
}

TEST_F(CacheCredentialsTest, ARouteKeyedOnTheApiKeyKeepsOneEntryPerKey) {
  cache_route("{key: [api_key]}");
  origin_.on("/me", personal("max-age=60"));
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));

  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_alice"}}).body, "for k_live_alice-1");
  EXPECT_EQ(get("/me", {{"X-Api-Key", "k_live_bob"}}).body, "for k_live_bob-2");
  EXPECT_EQ(x_cache(get("/me", {{"X-Api-Key", "k_live_alice"}})), "HIT");
  // A JWT is not what this route keys on: its answer is not shared.
  EXPECT_EQ(get("/me", {{"X-Auth-Token", kAliceToken}}).body,
            "for " + std::string(kAliceToken) + "-3");
  EXPECT_EQ(get("/me").body, "for nobody-4");
  EXPECT_EQ(origin_.request_count("/me"), 4u);
}

TEST_F(CacheCredentialsTest, AnAnonymousRequestWaitingOnACredentialedOneDoesNotGetItsAnswer) {
  cache_route("{}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/slow", [count](const ReceivedRequest& request) {
    OriginReply reply = reply_with(
        "for " + request.header("x-api-key").value_or("nobody") + "-" + std::to_string(++*count),
        "max-age=60");
    reply.delay = 300ms;
    return reply;
  });
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));

  HttpConnection alice(port());
  ASSERT_TRUE(alice.send(build_request("GET", "/slow", {{"X-Api-Key", "k_live_alice"}})));
  ASSERT_TRUE(eventually([&] { return origin_.request_count("/slow") == 1; }, 2000ms, 5ms));
  HttpResponse anonymous = get("/slow");  // joins alice's fetch, if anything
  HttpResponse for_alice = alice.read_response();
  EXPECT_EQ(for_alice.body, "for k_live_alice-1");
  EXPECT_EQ(anonymous.status, 200) << anonymous.error;
  EXPECT_EQ(anonymous.body, "for nobody-2") << "the follower got alice's answer";
}

TEST_F(CacheCredentialsTest, ARevalidationWithACredentialDoesNotShareItsAnswer) {
  // A shared entry must be revalidated; alice's revalidation gets a new,
  // personal 200: it is hers alone, the shared entry is not replaced by it.
  cache_route("{}");
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/page", [count](const ReceivedRequest& request) {
    const int n = ++*count;
    if (request.header("x-api-key")) {
      return reply_with("personal-" + std::to_string(n), "max-age=60", {{"ETag", "\"p\""}});
    }
    if (request.header("if-none-match")) return OriginReply::text(304, "");
    return reply_with("shared-" + std::to_string(n), "no-cache", {{"ETag", "\"s\""}});
  });
  ASSERT_TRUE(start_with(identity_yaml("header: x-auth-token")));

  EXPECT_EQ(get("/page").body, "shared-1");
  EXPECT_EQ(get("/page", {{"X-Api-Key", "k_live_alice"}}).body, "personal-2");
  HttpResponse anonymous = get("/page");
  EXPECT_EQ(anonymous.body, "shared-1") << "alice's answer replaced the shared entry";
  EXPECT_EQ(x_cache(anonymous), "REVALIDATED");
}

}  // namespace
}  // namespace itest
