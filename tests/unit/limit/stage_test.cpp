// The rate-limit stage with the in-process store: its verdicts on the
// request head, and what a client receives through a chain (429 with
// Retry-After, the RateLimit fields on every response).
#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "limit/limit_admin.h"
#include "limit/policy.h"
#include "limit/rate_limit_stage.h"

namespace centinela::limit {
namespace {

using stage::RequestVerdict;
using Kind = stage::RequestVerdict::Kind;

config::Config load(const std::string& yaml) {
  auto result = config::load_string(yaml, "test.yaml");
  if (!result.errors.empty()) ADD_FAILURE() << result.errors.front().to_string();
  return result.config.value_or(config::Config{});
}

std::string header(const stage::RequestContext& ctx, std::string_view name) {
  for (const auto& [n, v] : ctx.response_headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

struct Request {
  explicit Request(std::string ip) { ctx.client_ip = std::move(ip); }
  testing::FakeRequest fake;
  stage::RequestContext& ctx = fake.ctx;
};

const char* kYaml = R"(
upstreams: {api: {servers: ["127.0.0.1:1"]}}
rate_limit: {allowlist: ["10.0.0.0/8"]}
routes:
  - match: {prefix: "/"}
    name: stage_test_route
    upstream: api
    rate_limit:
      - {name: burst, key: ip, limit: 2, window: 1h}
      - {name: quota, key: [ip, route], limit: 100, window: 1d, algorithm: sliding_window,
         legacy_headers: true}
)";

TEST(RateLimitStage, AdmitsThenRefusesWithFieldsAndAdminSeesTheKey) {
  const config::Config config = load(kYaml);
  ASSERT_EQ(config.routes.size(), 1u);
  auto limiter = make_rate_limit_stage(config, config.routes[0]);
  ASSERT_TRUE(limiter);
  EXPECT_EQ(limiter->name(), "rate_limit");
  EXPECT_FALSE(limiter->is_async());
  const std::string ip = "192.0.2.77";
  for (int i = 0; i < 2; ++i) {
    Request r(ip);
    EXPECT_EQ(limiter->on_request_head(r.ctx).kind(), Kind::proceed);
    EXPECT_EQ(r.ctx.ratelimit, "allowed");
    EXPECT_EQ(header(r.ctx, "RateLimit-Policy"), R"("burst";q=2;w=3600, "quota";q=100;w=86400)");
  }
  Request refused(ip);
  RequestVerdict verdict = limiter->on_request_head(refused.ctx);
  ASSERT_EQ(verdict.kind(), Kind::respond);
  EXPECT_EQ(refused.ctx.ratelimit, "limited:burst");
  EXPECT_EQ(verdict.local().status, 429u);
  EXPECT_EQ(header(refused.ctx, "RateLimit"), R"("burst";r=0;t=3600, "quota";r=98;t=86400)");
  EXPECT_EQ(header(refused.ctx, "X-RateLimit-Limit"), "2");
  EXPECT_EQ(header(refused.ctx, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(verdict.local().headers[stage::http::field::retry_after], "1800");

  const std::string state = describe_key("burst", ip);
  EXPECT_NE(state.find(R"("found":true)"), std::string::npos) << state;
  EXPECT_NE(state.find(R"("remaining":0)"), std::string::npos) << state;
  EXPECT_NE(state.find(R"("limited":true)"), std::string::npos) << state;
  // (Other tests of this binary limit keys too: look past them.)
  const std::string top = top_limited_keys_json(100);
  EXPECT_NE(
      top.find(R"("route":"stage_test_route","policy":"burst","key":"192.0.2.77","limited":1)"),
      std::string::npos)
      << top;

  EXPECT_TRUE(reset_key("burst", ip));
  Request after_reset(ip);
  EXPECT_EQ(limiter->on_request_head(after_reset.ctx).kind(), Kind::proceed);
  EXPECT_NE(describe_key("quota", ip + "|stage_test_route").find(R"("remaining":97)"),
            std::string::npos)
      << describe_key("quota", ip + "|stage_test_route");
  EXPECT_NE(describe_key("nope", ip).find(R"("found":false)"), std::string::npos);
}

TEST(RateLimitStage, AllowlistedClientsPass) {
  const config::Config config = load(kYaml);
  auto limiter = make_rate_limit_stage(config, config.routes[0]);
  for (int i = 0; i < 10; ++i) {
    Request r("10.1.2.3");
    EXPECT_EQ(limiter->on_request_head(r.ctx).kind(), Kind::proceed);
    EXPECT_TRUE(r.ctx.response_headers.empty());
    EXPECT_TRUE(r.ctx.ratelimit.empty());
  }
}

TEST(RateLimitStage, StateSurvivesAReloadOfTheSameConfig) {
  const config::Config config = load(kYaml);
  const std::string ip = "192.0.2.200";
  {
    auto limiter = make_rate_limit_stage(config, config.routes[0]);
    for (int i = 0; i < 2; ++i) {
      Request r(ip);
      limiter->on_request_head(r.ctx);
    }
  }
  auto reloaded = make_rate_limit_stage(config, config.routes[0]);
  Request r(ip);
  EXPECT_EQ(reloaded->on_request_head(r.ctx).kind(), Kind::respond);
}

TEST(RateLimitStage, NoPoliciesNoStage) {
  const config::Config config = load(
      "upstreams: {api: {servers: [\"127.0.0.1:1\"]}}\nroutes: [{match: {prefix: /}, "
      "upstream: api}]\n");
  EXPECT_EQ(make_rate_limit_stage(config, config.routes[0]), nullptr);
}

// --- through a chain: what the client receives -----------------------------

const char* kChainYaml = R"(
upstreams: {api: {servers: ["127.0.0.1:1"]}}
rate_limit: {allowlist: ["10.0.0.0/8"]}
routes:
  - match: {prefix: "/"}
    name: chain_route
    upstream: api
    rate_limit:
      - {name: pair, key: ip, limit: 2, window: 1h}
)";

struct ChainRun {
  explicit ChainRun(
      const pipeline::Chain& chain, std::string ip,
      std::function<testing::ScriptedResponse(const testing::UpstreamView&)> respond = {}) {
    request.ctx.client_ip = std::move(ip);
    upstream.respond = std::move(respond);
    complete = testing::run_pipeline(chain, request, downstream, upstream);
  }
  testing::FakeRequest request;
  testing::FakeDownstream downstream;
  testing::FakeUpstream upstream;
  bool complete = false;
};

pipeline::Chain chain_of(std::unique_ptr<stage::Stage> stage) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(std::move(stage));
  return pipeline::Chain(std::move(stages));
}

TEST(RateLimitStage, TheClientGets429WithRetryAfterAndTheFieldsAndTheUpstreamNothing) {
  const config::Config config = load(kChainYaml);
  const pipeline::Chain chain = chain_of(make_rate_limit_stage(config, config.routes[0]));
  const std::string ip = "198.51.100.41";
  for (int i = 0; i < 2; ++i) {
    ChainRun allowed(chain, ip);
    EXPECT_TRUE(allowed.complete);
    EXPECT_EQ(allowed.downstream.client.status, 200u);
    EXPECT_EQ(allowed.upstream.received.size(), 1u);
    EXPECT_EQ(allowed.downstream.client.field("RateLimit-Policy"), R"("pair";q=2;w=3600)");
    EXPECT_EQ(allowed.downstream.client.field("RateLimit"),
              i == 0 ? R"("pair";r=1;t=1800)" : R"("pair";r=0;t=3600)");
  }
  ChainRun refused(chain, ip);
  const testing::ClientView& client = refused.downstream.client;
  EXPECT_TRUE(refused.complete);
  EXPECT_TRUE(refused.upstream.received.empty());
  EXPECT_EQ(client.status, 429u);
  EXPECT_EQ(client.field("Retry-After"), "1800");
  EXPECT_EQ(client.field("Content-Type"), "application/json");
  EXPECT_EQ(client.field("RateLimit-Policy"), R"("pair";q=2;w=3600)");
  EXPECT_EQ(client.field("RateLimit"), R"("pair";r=0;t=3600)");
  EXPECT_EQ(client.field("X-Request-ID"), "test-request-id");
  EXPECT_NE(client.body.find(R"("code":"RATE_LIMITED")"), std::string::npos) << client.body;
  EXPECT_NE(client.body.find(R"("retry_after_s":1800)"), std::string::npos) << client.body;
  EXPECT_EQ(refused.request.ctx.ratelimit, "limited:pair");
}

TEST(RateLimitStage, TheStagesFieldsReplaceTheUpstreamsOnEveryResponse) {
  const config::Config config = load(kChainYaml);
  const pipeline::Chain chain = chain_of(make_rate_limit_stage(config, config.routes[0]));
  // An upstream that sends its own RateLimit fields, and an error.
  ChainRun run(chain, "198.51.100.42", [](const testing::UpstreamView&) {
    return testing::ScriptedResponse{
        503,
        {{"RateLimit", "\"upstream\";r=9;t=1"}, {"RateLimit-Policy", "\"upstream\";q=10"}},
        {"busy"}};
  });
  const testing::ClientView& client = run.downstream.client;
  EXPECT_EQ(client.status, 503u);
  EXPECT_EQ(client.count("RateLimit"), 1u);
  EXPECT_EQ(client.field("RateLimit"), R"("pair";r=1;t=1800)");
  EXPECT_EQ(client.count("RateLimit-Policy"), 1u);
  EXPECT_EQ(client.field("RateLimit-Policy"), R"("pair";q=2;w=3600)");

  // The upstream failing: the gateway's 502 carries them too.
  testing::FakeRequest request;
  request.ctx.client_ip = "198.51.100.42";
  testing::FakeDownstream downstream;
  testing::FakeUpstream failing;
  failing.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "no upstream"};
  testing::run_pipeline(chain, request, downstream, failing);
  EXPECT_EQ(downstream.client.status, 502u);
  EXPECT_EQ(downstream.client.field("RateLimit"), R"("pair";r=0;t=3600)");
}

TEST(RateLimitStage, AllowlistedClientsReachTheUpstreamWithoutFields) {
  const config::Config config = load(kChainYaml);
  const pipeline::Chain chain = chain_of(make_rate_limit_stage(config, config.routes[0]));
  for (int i = 0; i < 5; ++i) {
    ChainRun run(chain, "10.9.8.7");
    EXPECT_EQ(run.downstream.client.status, 200u);
    EXPECT_EQ(run.upstream.received.size(), 1u);
    EXPECT_FALSE(run.downstream.client.field("RateLimit"));
  }
}

TEST(RateLimitConfig, StoreAndFailureModeFollowTheSettings) {
  const config::Config config = load(R"(
redis: {url: "redis://127.0.0.1:6379/0"}
rate_limit: {on_store_error: deny}
upstreams: {api: {servers: ["127.0.0.1:1"]}}
routes:
  - match: {prefix: "/"}
    upstream: api
    rate_limit:
      - {name: shared, limit: 5, window: 1s}
      - {name: local, limit: 5, window: 1s, store: memory, on_store_error: allow}
)");
  const auto& route = config.routes.at(0);
  const Policy shared = make_policy(route.rate_limit[0], config.rate_limit, true);
  const Policy local = make_policy(route.rate_limit[1], config.rate_limit, true);
  EXPECT_TRUE(shared.use_redis);
  EXPECT_TRUE(shared.deny_on_store_error);
  EXPECT_FALSE(local.use_redis);
  EXPECT_FALSE(local.deny_on_store_error);
  EXPECT_TRUE(make_rate_limit_stage(config, route)->is_async());
}

TEST(RateLimitConfig, BadValuesAreReported) {
  auto result = config::load_string(R"(
rate_limit: {store: redis, on_store_error: maybe, allowlist: ["300.1.1.1"]}
)",
                                    "bad.yaml");
  ASSERT_EQ(result.errors.size(), 3u);
  // In file order.
  EXPECT_NE(result.errors[0].message.find("redis needs"), std::string::npos);
  EXPECT_NE(result.errors[1].message.find("expected allow or deny"), std::string::npos);
  EXPECT_NE(result.errors[2].message.find("rate_limit.allowlist"), std::string::npos);
}

}  // namespace
}  // namespace centinela::limit
