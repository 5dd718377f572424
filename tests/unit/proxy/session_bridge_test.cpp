// net's way into a route's chain until it runs pipeline::run: the request
// verdicts and the response-head edits of the stages net has no code for.
#include "proxy/session_bridge.h"

#include <gtest/gtest.h>

#include "fake_exchange.h"
#include "proxy/runtime.h"

namespace centinela::proxy {
namespace {

std::shared_ptr<const config::Config> load(const std::string& yaml) {
  config::LoadResult result = config::load_string(yaml, "t.yaml");
  EXPECT_TRUE(result.config.has_value());
  if (!result.config) return std::make_shared<config::Config>();
  return std::make_shared<const config::Config>(std::move(*result.config));
}

std::optional<LocalResponse> request_side(const Route& route, RequestContext& ctx) {
  std::optional<LocalResponse> answer;
  testing::run_coroutine(
      [&]() -> boost::asio::awaitable<void> { answer = co_await run_request_stages(route, ctx); });
  return answer;
}

constexpr const char* kConfig = R"(
upstreams: {app: {servers: ["127.0.0.1:9000"]}}
routes:
  - name: bridged
    upstream: app
    cors: {allow_origins: ["https://app.example"]}
    rate_limit: [{name: one, limit: 1, window: 1h}]
    compression: true
)";

TEST(SessionBridge, RequestStagesAnswerOrLetThrough) {
  Runtime runtime(load(kConfig));
  const Route& route = *runtime.match("h", "/", "GET");
  RequestHead head;
  head.method(http::verb::get);
  head.target("/");
  head.set(http::field::accept_encoding, "gzip");
  RequestContext first(head);
  first.client_ip = "192.0.2.10";
  EXPECT_FALSE(request_side(route, first));
  EXPECT_EQ(first.ratelimit, "allowed");
  // net still keeps Accept-Encoding from the upstream itself.
  EXPECT_TRUE(first.upstream.empty());

  RequestContext second(head);
  second.client_ip = "192.0.2.10";
  const std::optional<LocalResponse> answer = request_side(route, second);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 429u);

  // No stage here needs I/O: net takes the synchronous way, same answers.
  EXPECT_FALSE(request_stages_need_io(route));
  RequestContext third(head);
  third.client_ip = "192.0.2.10";
  const std::optional<LocalResponse> now = run_request_stages_now(route, third);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->status, 429u);
  RequestContext other(head);
  other.client_ip = "192.0.2.11";
  EXPECT_FALSE(run_request_stages_now(route, other));
}

TEST(SessionBridge, ARedisPolicyMakesTheRequestSideAsync) {
  Runtime runtime(load(R"(
redis: {url: "redis://127.0.0.1:1/0"}
upstreams: {app: {servers: ["127.0.0.1:9000"]}}
routes:
  - upstream: app
    rate_limit: [{name: shared, limit: 1, window: 1h}]
)"));
  EXPECT_TRUE(request_stages_need_io(*runtime.match("h", "/", "GET")));
}

TEST(SessionBridge, ResponseStagesEditTheHeadNetWrites) {
  Runtime runtime(load(kConfig));
  const Route& route = *runtime.match("h", "/", "GET");
  RequestHead head;
  head.method(http::verb::get);
  head.set(http::field::origin, "https://app.example");
  RequestContext ctx(head);
  ResponseHead response;
  response.result(200);
  response.set(http::field::content_type, "text/plain");
  response.set(http::field::content_length, "5");
  response.set(http::field::access_control_allow_origin, "*");
  run_response_stages(route, ctx, response);
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response[http::field::access_control_allow_origin], "https://app.example");
  EXPECT_EQ(response.count(http::field::access_control_allow_origin), 1u);
  EXPECT_EQ(response[http::field::vary], "Origin");
  EXPECT_EQ(response[http::field::content_length], "5");
  // Compression is net's own there: no coding chosen by the bridge.
  EXPECT_EQ(response.count(http::field::content_encoding), 0u);
}

TEST(SessionBridge, AnUntouchedHeadIsLeftAsItIs) {
  Runtime runtime(load(R"(
upstreams: {app: {servers: ["127.0.0.1:9000"]}}
routes: [{upstream: app}]
)"));
  const Route& route = *runtime.match("h", "/", "GET");
  RequestHead head;
  RequestContext ctx(head);
  ResponseHead response;
  response.set(http::field::server, "origin");
  const char* before = response[http::field::server].data();
  run_response_stages(route, ctx, response);
  // Security headers are net's static block: nothing rebuilt.
  EXPECT_EQ(response[http::field::server].data(), before);
}

}  // namespace
}  // namespace centinela::proxy
