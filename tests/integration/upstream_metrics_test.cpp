// Metrics by upstream server: responses by status class, connect errors by
// reason, response timeouts, retries, and bytes each way.
#include "gateway_fixture.h"

namespace itest {
namespace {

class UpstreamMetricsTest : public GatewayTest {
 protected:
  std::map<std::string, std::string> server_labels(const std::string& server) {
    return {{"upstream", "api"}, {"server", server}};
  }
  std::map<std::string, std::string> with(std::map<std::string, std::string> labels,
                                          const std::string& name, const std::string& value) {
    labels[name] = value;
    return labels;
  }
};

TEST_F(UpstreamMetricsTest, ResponsesAreCountedByStatusClassAndBytesEachWay) {
  origin_.on("/missing", [](const ReceivedRequest&) { return OriginReply::text(404, "no"); });
  origin_.on("/big", [](const ReceivedRequest&) {
    return OriginReply::text(200, std::string(10000, 'x'));
  });
  ASSERT_TRUE(start_gateway());
  const auto labels = server_labels(origin_.address());

  ASSERT_EQ(get("/big").status, 200);
  ASSERT_EQ(get("/big").status, 200);
  ASSERT_EQ(get("/missing").status, 404);
  const std::string post_body(5000, 'p');
  ASSERT_EQ(http_request(port(), "POST", "/upload", {}, post_body).status, 200);

  EXPECT_EQ(metric("centinela_upstream_responses_total", with(labels, "class", "2xx")), 3.0)
      << metrics_text();
  EXPECT_EQ(metric("centinela_upstream_responses_total", with(labels, "class", "4xx")), 1.0);
  EXPECT_EQ(metric("centinela_upstream_responses_total", with(labels, "class", "5xx")), 0.0);
  // A try counts its bytes as it ends, which may be just after the client
  // has its response: the last try's may come a moment later.
  EXPECT_TRUE(eventually(
      [&] {
        return metric("centinela_upstream_bytes_received_total", labels).value_or(0) >= 20000.0 &&
               metric("centinela_upstream_bytes_sent_total", labels).value_or(0) >= 5000.0;
      },
      std::chrono::seconds(5)))
      << metrics_text();
  EXPECT_EQ(metric("centinela_upstream_retries_total", labels), 0.0);
  EXPECT_EQ(metric("centinela_upstream_timeouts_total", labels), 0.0);
}

TEST_F(UpstreamMetricsTest, RefusedConnectionIsAConnectErrorAndTheRetryIsCounted) {
  ReservedPort dead_port;
  const std::string dead = fmt::format("127.0.0.1:{}", dead_port.port());
  // The dead server first for the first request (round robin starts at it),
  // never ejected: every request that meets it is retried on the live one.
  config_.upstreams["api"] =
      upstream_yaml({dead, origin_.address()}, "retries: 1, passive_health: {max_failures: 0}");
  ASSERT_TRUE(start_gateway());

  for (int i = 0; i < 4; ++i) ASSERT_EQ(get("/r/" + std::to_string(i)).status, 200);

  const double refused = metric("centinela_upstream_connect_errors_total",
                                with(server_labels(dead), "reason", "refused"))
                             .value_or(-1);
  EXPECT_GE(refused, 1.0) << metrics_text();
  EXPECT_EQ(metric("centinela_upstream_retries_total", server_labels(origin_.address())), refused)
      << "each refused try was retried on the live server";
  EXPECT_EQ(metric("centinela_upstream_connect_errors_total",
                   with(server_labels(origin_.address()), "reason", "refused")),
            0.0);
  EXPECT_EQ(metric("centinela_upstream_responses_total",
                   with(server_labels(origin_.address()), "class", "2xx")),
            4.0);
}

TEST_F(UpstreamMetricsTest, ResponseTimeoutIsCounted) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "timeout: 300ms");
  origin_.on("/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "too late");
    reply.delay = 2s;
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/slow").status, 504);

  EXPECT_EQ(metric("centinela_upstream_timeouts_total", server_labels(origin_.address())), 1.0)
      << metrics_text();
  EXPECT_EQ(metric("centinela_upstream_responses_total",
                   with(server_labels(origin_.address()), "class", "2xx")),
            0.0);
}

}  // namespace
}  // namespace itest
