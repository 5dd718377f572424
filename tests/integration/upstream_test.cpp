// Upstream clusters: load balancing, retries on dead servers, timeouts,
// active health checks, and upstreams that misbehave.
#include <deque>

#include "gateway_fixture.h"
#include "loopback_socket.h"

namespace itest {
namespace {

class UpstreamTest : public GatewayTest {
 protected:
  // An address nothing listens on for the whole test (its port stays reserved).
  std::string dead_server() {
    return fmt::format("127.0.0.1:{}", dead_ports_.emplace_back().port());
  }

  std::deque<ReservedPort> dead_ports_;
};

TEST_F(UpstreamTest, RoundRobinSpreadsRequestsOverBothServers) {
  TestOrigin second("second");
  config_.upstreams["api"] = upstream_yaml({origin_.address(), second.address()});
  ASSERT_TRUE(start_gateway());

  for (int i = 0; i < 10; ++i) ASSERT_EQ(get("/rr/" + std::to_string(i)).status, 200);
  EXPECT_EQ(origin_.request_count() + second.request_count(), 10u);
  EXPECT_GE(origin_.request_count(), 3u);
  EXPECT_GE(second.request_count(), 3u);
}

TEST_F(UpstreamTest, GetToDeadServerIsRetriedOnLiveOne) {
  config_.upstreams["api"] = upstream_yaml({dead_server(), origin_.address()});
  ASSERT_TRUE(start_gateway());

  for (int i = 0; i < 6; ++i) {
    HttpResponse response = get("/retry/" + std::to_string(i));
    EXPECT_EQ(response.status, 200) << "request " << i << ": " << response.error << response.body;
  }
  EXPECT_EQ(origin_.request_count(), 6u);
}

TEST_F(UpstreamTest, EjectedServerShowsInMetricsAndReadyUntilItsEjectionEnds) {
  const std::string dead = dead_server();
  config_.upstreams["api"] = upstream_yaml({dead, origin_.address()},
                                           "passive_health: {max_failures: 1, ejection_time: 1s}");
  ASSERT_TRUE(start_gateway());
  const std::map<std::string, std::string> dead_labels{{"upstream", "api"}, {"server", dead}};
  EXPECT_EQ(metric("centinela_upstream_healthy", dead_labels), 1.0);

  // Round robin sends one of two requests to the dead server first: one failure ejects it.
  for (int i = 0; i < 2; ++i) EXPECT_EQ(get("/eject/" + std::to_string(i)).status, 200);
  EXPECT_EQ(metric("centinela_upstream_healthy", dead_labels), 0.0) << metrics_text();
  EXPECT_NE(admin_get("/ready").body.find(R"("state":"ejected")"), std::string::npos)
      << admin_get("/ready").body;
  EXPECT_EQ(
      metric("centinela_upstream_healthy", {{"upstream", "api"}, {"server", origin_.address()}}),
      1.0);

  // Nothing reports the end of an ejection; the next scrape sees it.
  EXPECT_TRUE(eventually([&] { return metric("centinela_upstream_healthy", dead_labels) == 1.0; },
                         4s, 100ms))
      << metrics_text();
}

TEST_F(UpstreamTest, AllServersDeadAnswers502) {
  config_.upstreams["api"] = upstream_yaml({dead_server(), dead_server()});
  ASSERT_TRUE(start_gateway());

  auto started = Clock::now();
  HttpResponse response = get("/nobody-home");
  EXPECT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY"));
  EXPECT_LT(Clock::now() - started, 3s);
}

TEST_F(UpstreamTest, SlowUpstreamAnswers504) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "timeout: 500ms");
  origin_.on("/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "too late");
    reply.delay = 3s;
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  auto started = Clock::now();
  HttpResponse response = get("/slow");
  auto elapsed = Clock::now() - started;
  EXPECT_TRUE(is_gateway_error(response, 504, "GATEWAY_TIMEOUT"));
  EXPECT_GE(elapsed, 450ms);
  EXPECT_LT(elapsed, 2500ms);  // one retry at most, never the origin's 3 s
  EXPECT_TRUE(serves_normally());
}

TEST_F(UpstreamTest, HealthCheckTakesServersOutAndBackIn) {
  origin_.set_health_status(503);
  config_.upstreams["api"] =
      upstream_yaml({origin_.address()}, "health_check: {path: /health, interval: 200ms}");
  ASSERT_TRUE(start_gateway());
  const std::map<std::string, std::string> server_labels = {{"upstream", "api"},
                                                            {"server", origin_.address()}};

  ASSERT_TRUE(eventually([&] { return admin_get("/ready").status == 503; }, 3s))
      << "/ready: " << admin_get("/ready").body;
  EXPECT_GT(origin_.health_check_count(), 0u);
  HttpResponse ready = admin_get("/ready");
  EXPECT_NE(ready.body.find(origin_.address()), std::string::npos) << ready.body;
  EXPECT_EQ(metric("centinela_upstream_healthy", server_labels), 0.0) << metrics_text();

  HttpResponse during_outage = get("/during-outage");
  EXPECT_TRUE(is_gateway_error(during_outage, 503, "SERVICE_UNAVAILABLE"));
  EXPECT_EQ(origin_.request_count(), 0u);

  origin_.set_health_status(200);
  EXPECT_TRUE(eventually([&] { return admin_get("/ready").status == 200; }, 3s))
      << "/ready: " << admin_get("/ready").body;
  EXPECT_TRUE(eventually([&] { return get("/after-recovery").status == 200; }, 2s));
  EXPECT_EQ(metric("centinela_upstream_healthy", server_labels), 1.0);
}

TEST_F(UpstreamTest, MalformedUpstreamResponseAnswers502) {
  origin_.on("/bad-status", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.raw = "HTTP/1.1 abc Bogus\r\nContent-Length: 2\r\n\r\nhi";
    return reply;
  });
  origin_.on("/not-http", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.raw = "this is not an http response at all\r\n\r\n";
    return reply;
  });
  origin_.on("/conflicting-length", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.raw = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n0123456789";
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  for (const char* path : {"/bad-status", "/not-http", "/conflicting-length"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(is_gateway_error(get(path), 502, "BAD_GATEWAY"));
  }
  EXPECT_TRUE(serves_normally());
}

TEST_F(UpstreamTest, PostIsNotRetriedWhenUpstreamClosesWithoutAnswer) {
  origin_.on("/drop", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.close_without_answer = true;
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse response = http_request(port(), "POST", "/drop", {}, "not idempotent");
  EXPECT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY"));
  // Any retry would have happened before the gateway answered.
  EXPECT_EQ(origin_.request_count("/drop"), 1u);
  EXPECT_TRUE(serves_normally());
}

}  // namespace
}  // namespace itest
