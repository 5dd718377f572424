// The cache stage between clients: answers to credentials are never shared
// unless the origin allows it (or the key names the identity), one upstream
// fetch serves every concurrent request for a key (coalescing), and a write
// invalidates what it changed.
#include "cache/cache_stage.h"
#include "cache_stage_fixture.h"

namespace centinela::cache::testing {
namespace {

class CacheStageCredentials : public CacheStageTest {};

TEST_F(CacheStageCredentials, AnAnswerToAnAuthorizedRequestIsStoredOnlyWhenTheOriginAllowsIt) {
  answer("plain", {{"Cache-Control", "max-age=60"}});
  const Fields auth = {{"Authorization", "Bearer opaque-token-1"}};
  const Exchanged first = get("/plain", auth);
  EXPECT_EQ(first.client.field("Cache-Status"),
            "centinela; fwd=miss; fwd-status=200; detail=authorization");
  EXPECT_EQ(get("/plain", auth).client.body, "plain-2");
  EXPECT_EQ(get("/plain").client.body, "plain-3")
      << "an anonymous client got a credential's answer";

  for (const char* allows : {"public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"}) {
    SCOPED_TRACE(allows);
    answer("shared", {{"Cache-Control", allows}});
    const std::string path = std::string("/") + allows;
    get(path, auth);
    EXPECT_EQ(get(path, auth).client.field("X-Cache"), "HIT");
  }
}

TEST_F(CacheStageCredentials, CredentialsInTheIdentityFieldsCountTooVerifiedOrNot) {
  config_.identity.emplace();
  config_.identity->api_keys.emplace();
  config_.identity->api_keys->header = "x-api-key";
  config_.identity->jwt.emplace();
  config_.identity->jwt->cookie = "session";
  build();
  answer("doc", {{"Cache-Control", "max-age=60"}});
  for (const Fields& credential : std::vector<Fields>{{{"X-Api-Key", "nobody's key"}},
                                                      {{"Cookie", "theme=dark; session=t"}}}) {
    SCOPED_TRACE(credential.front().first);
    get("/doc", credential);
    EXPECT_EQ(l1_.stats().entries, 0u);
  }
  get("/doc", {{"Cookie", "theme=dark"}});
  EXPECT_EQ(l1_.stats().entries, 1u) << "a cookie that is no credential";
}

TEST_F(CacheStageCredentials, ARouteKeyedOnTheUserKeepsOneEntryPerUser) {
  build([](config::RouteConfig& route) { route.cache.key = {"user"}; });
  upstream_.respond = [](const UpstreamView& request) {
    return ScriptedResponse{200,
                            {{"Cache-Control", "max-age=60"}},
                            {"for " + request.field("Authorization").value_or("")}};
  };
  auto as = [](std::string user) {
    return [user](stage::RequestContext& ctx) { ctx.user = user; };
  };
  const Fields alice_token = {{"Authorization", "Bearer alice"}};
  const Fields bob_token = {{"Authorization", "Bearer bob"}};
  EXPECT_EQ(send("GET", "/me", alice_token, as("alice")).client.body, "for Bearer alice");
  EXPECT_EQ(send("GET", "/me", bob_token, as("bob")).client.body, "for Bearer bob");
  const Exchanged alice = send("GET", "/me", alice_token, as("alice"));
  EXPECT_EQ(alice.client.body, "for Bearer alice");
  EXPECT_EQ(alice.client.field("X-Cache"), "HIT");
  EXPECT_EQ(send("GET", "/me", bob_token, as("bob")).client.body, "for Bearer bob");
  // A credential that named nobody gets no one's entry.
  EXPECT_EQ(send("GET", "/me", {{"Authorization", "Bearer forged"}}).client.body,
            "for Bearer forged");
  EXPECT_EQ(upstream_requests(), 3u);
}

TEST_F(CacheStageCredentials, ARevalidationWithACredentialDoesNotShareItsAnswer) {
  // A shared entry must be revalidated; a credential's revalidation gets a
  // new, personal 200: the shared entry is not replaced by it.
  auto count = std::make_shared<int>(0);
  upstream_.respond = [count](const UpstreamView& request) {
    const int n = ++*count;
    if (request.field("Authorization")) {
      return ScriptedResponse{200,
                              {{"Cache-Control", "max-age=60"}, {"ETag", "\"p\""}},
                              {"personal-" + std::to_string(n)}};
    }
    if (request.field("If-None-Match")) return ScriptedResponse{304, {}, {}};
    return ScriptedResponse{
        200, {{"Cache-Control", "no-cache"}, {"ETag", "\"s\""}}, {"shared-" + std::to_string(n)}};
  };
  EXPECT_EQ(get("/page").client.body, "shared-1");
  const Exchanged personal = get("/page", {{"Authorization", "Bearer alice"}});
  EXPECT_EQ(personal.client.body, "personal-2");
  EXPECT_EQ(personal.client.field("Cache-Status"),
            "centinela; fwd=stale; fwd-status=200; detail=authorization");
  const Exchanged anonymous = get("/page");
  EXPECT_EQ(anonymous.client.body, "shared-1") << "the credential's answer replaced the entry";
  EXPECT_EQ(anonymous.client.field("X-Cache"), "REVALIDATED");
}

TEST_F(CacheStageCredentials, A304ToACredentialRefreshesItsAnswerOnlyAndKeepsTheEntry) {
  auto count = std::make_shared<int>(0);
  upstream_.respond = [count](const UpstreamView& request) {
    ++*count;
    if (request.field("If-None-Match")) {
      return ScriptedResponse{304, {{"Cache-Control", "max-age=60"}}, {}};
    }
    return ScriptedResponse{200, {{"Cache-Control", "no-cache"}, {"ETag", "\"v\""}}, {"body"}};
  };
  get("/r");
  const Exchanged with_credential = get("/r", {{"Authorization", "Bearer t"}});
  EXPECT_EQ(with_credential.client.field("X-Cache"), "REVALIDATED");
  EXPECT_EQ(with_credential.client.field("Cache-Control"), "max-age=60");
  // Not stored (an answer to a credential), not dropped (the resource may be
  // stored): the next client revalidates the same entry.
  const Exchanged anonymous = get("/r");
  EXPECT_EQ(anonymous.client.field("X-Cache"), "REVALIDATED");
  EXPECT_EQ(upstream_requests(), 3u);
  EXPECT_EQ(get("/r").client.field("X-Cache"), "HIT") << "the anonymous refresh was stored";
}

// --- coalescing --------------------------------------------------------------

class CacheStageCoalescing : public CacheStageTest {};

TEST_F(CacheStageCoalescing, ConcurrentMissesMakeOneUpstreamRequest) {
  answer("slow", {{"Cache-Control", "max-age=60"}});
  FakeRequest leader("GET", "/slow");
  FakeRequest follower("GET", "/slow");
  const auto [led, followed] = concurrently(leader, follower);
  EXPECT_EQ(led.client.body, "slow-1");
  EXPECT_EQ(led.client.field("X-Cache"), "MISS");
  EXPECT_EQ(followed.client.body, "slow-1");
  EXPECT_EQ(followed.client.field("X-Cache"), "HIT");
  EXPECT_EQ(followed.client.field("Cache-Status"), "centinela; hit; detail=coalesced; ttl=60");
  EXPECT_EQ(upstream_requests(), 1u);
  EXPECT_EQ(counted("coalesced"), 1u);
  EXPECT_EQ(coalescer_.in_flight(), 0u);
}

TEST_F(CacheStageCoalescing, FollowersOfAnUncacheableResponseGoUpstreamThemselves) {
  answer("private", {{"Cache-Control", "private"}});
  FakeRequest leader("GET", "/p");
  FakeRequest follower("GET", "/p");
  const auto [led, followed] = concurrently(leader, follower);
  EXPECT_EQ(led.client.body, "private-1");
  EXPECT_EQ(followed.client.body, "private-2");
  EXPECT_EQ(followed.client.field("X-Cache"), "MISS");
  EXPECT_EQ(upstream_requests(), 2u);
}

TEST_F(CacheStageCoalescing, AnAnonymousFollowerOfACredentialedLeaderGetsNoneOfItsAnswer) {
  answer("answer", {{"Cache-Control", "max-age=60"}});
  FakeRequest leader("GET", "/x", {{"Authorization", "Bearer secret"}});
  FakeRequest follower("GET", "/x");
  const auto [led, followed] = concurrently(leader, follower);
  EXPECT_EQ(led.client.body, "answer-1");
  EXPECT_EQ(followed.client.body, "answer-2");
  EXPECT_EQ(upstream_requests(), 2u);
}

TEST_F(CacheStageCoalescing, AFollowerOfAnotherVariantGoesUpstreamItself) {
  upstream_.respond = [](const UpstreamView& request) {
    return ScriptedResponse{200,
                            {{"Cache-Control", "max-age=60"}, {"Vary", "X-Tenant"}},
                            {request.field("X-Tenant").value_or("none")}};
  };
  FakeRequest blue("GET", "/v", {{"X-Tenant", "blue"}});
  FakeRequest green("GET", "/v", {{"X-Tenant", "green"}});
  const auto [first, second] = concurrently(blue, green);
  EXPECT_EQ(first.client.body, "blue");
  EXPECT_EQ(second.client.body, "green");
  EXPECT_EQ(upstream_requests(), 2u);
}

TEST_F(CacheStageCoalescing, HeadNeitherLeadsNorFollows) {
  answer("doc", {{"Cache-Control", "max-age=60"}});
  FakeRequest head("HEAD", "/doc");
  FakeRequest get_request("GET", "/doc");
  const auto [headed, got] = concurrently(head, get_request);
  EXPECT_EQ(headed.client.status, 200u);
  // The GET did not wait for the HEAD's fetch (held upstream): it led its own.
  EXPECT_EQ(got.client.body, "doc-1");
  EXPECT_EQ(got.client.field("X-Cache"), "MISS");
  EXPECT_EQ(upstream_requests(), 2u);
  EXPECT_EQ(l1_.stats().entries, 1u);
}

// --- invalidation ------------------------------------------------------------

class CacheStageInvalidation : public CacheStageTest {};

TEST_F(CacheStageInvalidation, ASuccessfulWriteInvalidatesItsTargetAndLocationsOnThisHost) {
  answer("doc", {{"Cache-Control", "max-age=60"}});
  get("/items?b=2&a=1");
  get("/items/7");
  get("/other");
  ASSERT_EQ(l1_.stats().entries, 3u);

  upstream_.respond = [](const UpstreamView&) {
    return ScriptedResponse{201,
                            {{"Location", "http://example.test/items/7"},
                             {"Content-Location", "https://elsewhere.test/other"}},
                            {"created"}};
  };
  const Exchanged write = send("POST", "/items?a=1&b=2", {});
  EXPECT_EQ(write.client.status, 201u);
  EXPECT_EQ(write.client.field("X-Cache"), "BYPASS");
  EXPECT_EQ(write.client.field("Cache-Status"), "centinela; fwd=bypass; detail=method");
  EXPECT_EQ(counted("bypass"), 0u);
  EXPECT_EQ(l1_.stats().entries, 1u) << "the target (any query order) and its Location went";

  answer("doc", {{"Cache-Control", "max-age=60"}});
  EXPECT_EQ(get("/other").client.field("X-Cache"), "HIT") << "another host's URL was purged";
  EXPECT_EQ(get("/items?a=1&b=2").client.field("X-Cache"), "MISS");
}

TEST_F(CacheStageInvalidation, AFailedWriteInvalidatesNothing) {
  answer("doc", {{"Cache-Control", "max-age=60"}});
  get("/items");
  for (unsigned status : {400u, 404u, 500u}) {
    upstream_.respond = [status](const UpstreamView&) {
      return ScriptedResponse{status, {}, {"no"}};
    };
    send("DELETE", "/items");
    EXPECT_EQ(l1_.stats().entries, 1u) << status;
  }
  upstream_.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "down"};
  const Exchanged failed = send("PUT", "/items");
  EXPECT_EQ(failed.client.status, 502u);
  EXPECT_EQ(failed.client.field("X-Cache"), "BYPASS");
  EXPECT_EQ(l1_.stats().entries, 1u);
}

}  // namespace
}  // namespace centinela::cache::testing
