#include <gtest/gtest.h>

#include "limit/limit_admin.h"
#include "limit/policy.h"
#include "limit/rate_limit_filter.h"

namespace centinela::limit {
namespace {

config::Config load(const std::string& yaml) {
  auto result = config::load_string(yaml, "test.yaml");
  if (!result.errors.empty()) ADD_FAILURE() << result.errors.front().to_string();
  return result.config.value_or(config::Config{});
}

std::string header(const proxy::RequestContext& ctx, std::string_view name) {
  for (const auto& [n, v] : ctx.response_headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

struct Request {
  explicit Request(std::string ip) { ctx.client_ip = std::move(ip); }
  proxy::RequestHead head;
  proxy::RequestContext ctx{.request = head};
};

const char* kYaml = R"(
upstreams: {api: {servers: ["127.0.0.1:1"]}}
rate_limit: {allowlist: ["10.0.0.0/8"]}
routes:
  - match: {prefix: "/"}
    name: filter_test_route
    upstream: api
    rate_limit:
      - {name: burst, key: ip, limit: 2, window: 1h}
      - {name: quota, key: [ip, route], limit: 100, window: 1d, algorithm: sliding_window,
         legacy_headers: true}
)";

TEST(RateLimitFilter, AdmitsThenRefusesWithFieldsAndAdminSeesTheKey) {
  const config::Config config = load(kYaml);
  ASSERT_EQ(config.routes.size(), 1u);
  auto filter = make_rate_limit_filter(config, config.routes[0]);
  ASSERT_TRUE(filter);
  EXPECT_FALSE(filter->is_async());
  const std::string ip = "192.0.2.77";
  for (int i = 0; i < 2; ++i) {
    Request r(ip);
    EXPECT_EQ(filter->on_request(r.ctx), proxy::FilterStatus::Continue);
    EXPECT_EQ(r.ctx.ratelimit, "allowed");
    EXPECT_EQ(header(r.ctx, "RateLimit-Policy"), R"("burst";q=2;w=3600, "quota";q=100;w=86400)");
  }
  Request refused(ip);
  EXPECT_EQ(filter->on_request(refused.ctx), proxy::FilterStatus::Respond);
  EXPECT_EQ(refused.ctx.ratelimit, "limited:burst");
  ASSERT_TRUE(refused.ctx.local_response);
  EXPECT_EQ(refused.ctx.local_response->status, 429u);
  EXPECT_EQ(header(refused.ctx, "RateLimit"), R"("burst";r=0;t=3600, "quota";r=98;t=86400)");
  EXPECT_EQ(header(refused.ctx, "X-RateLimit-Limit"), "2");
  EXPECT_EQ(header(refused.ctx, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(refused.ctx.local_response->headers[proxy::http::field::retry_after], "1800");

  const std::string state = describe_key("burst", ip);
  EXPECT_NE(state.find(R"("found":true)"), std::string::npos) << state;
  EXPECT_NE(state.find(R"("remaining":0)"), std::string::npos) << state;
  EXPECT_NE(state.find(R"("limited":true)"), std::string::npos) << state;
  EXPECT_NE(top_limited_keys_json(5).find(R"("key":"192.0.2.77","limited":1)"), std::string::npos)
      << top_limited_keys_json(5);

  EXPECT_TRUE(reset_key("burst", ip));
  Request after_reset(ip);
  EXPECT_EQ(filter->on_request(after_reset.ctx), proxy::FilterStatus::Continue);
  EXPECT_NE(describe_key("quota", ip + "|filter_test_route").find(R"("remaining":97)"),
            std::string::npos)
      << describe_key("quota", ip + "|filter_test_route");
  EXPECT_NE(describe_key("nope", ip).find(R"("found":false)"), std::string::npos);
}

TEST(RateLimitFilter, AllowlistedClientsPass) {
  const config::Config config = load(kYaml);
  auto filter = make_rate_limit_filter(config, config.routes[0]);
  for (int i = 0; i < 10; ++i) {
    Request r("10.1.2.3");
    EXPECT_EQ(filter->on_request(r.ctx), proxy::FilterStatus::Continue);
    EXPECT_TRUE(r.ctx.response_headers.empty());
  }
}

TEST(RateLimitFilter, StateSurvivesAReloadOfTheSameConfig) {
  const config::Config config = load(kYaml);
  const std::string ip = "192.0.2.200";
  {
    auto filter = make_rate_limit_filter(config, config.routes[0]);
    for (int i = 0; i < 2; ++i) {
      Request r(ip);
      filter->on_request(r.ctx);
    }
  }
  auto reloaded = make_rate_limit_filter(config, config.routes[0]);
  Request r(ip);
  EXPECT_EQ(reloaded->on_request(r.ctx), proxy::FilterStatus::Respond);
}

TEST(RateLimitFilter, NoPoliciesNoFilter) {
  const config::Config config = load(
      "upstreams: {api: {servers: [\"127.0.0.1:1\"]}}\nroutes: [{match: {prefix: /}, "
      "upstream: api}]\n");
  EXPECT_EQ(make_rate_limit_filter(config, config.routes[0]), nullptr);
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
  EXPECT_TRUE(make_rate_limit_filter(config, route)->is_async());
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
