// The access log's fields beyond the contract's: host, protocol, referer,
// request bytes, the upstream's address and status, the span sent upstream,
// and, for an answer the gateway made because the upstream failed, why.
#include <deque>

#include "gateway_fixture.h"

namespace itest {
namespace {

class AccessLogFieldsTest : public GatewayTest {
 protected:
  AccessLogFieldsTest() { config_.log_extra = {"redact: {query_params: [token]}"}; }

  std::optional<JsonValue> entry_for(const HttpResponse& response) {
    std::string request_id = response.header("x-request-id").value_or("(no X-Request-ID)");
    return wait_for_access_log(
        [&](const JsonValue& entry) { return entry.string_at("request_id") == request_id; });
  }

  // An address nothing listens on for the whole test (its port stays reserved).
  std::string dead_server() {
    return fmt::format("127.0.0.1:{}", dead_ports_.emplace_back().port());
  }

  std::deque<ReservedPort> dead_ports_;
};

bool is_null_or_absent(const JsonValue& entry, std::string_view field) {
  const JsonValue* value = entry.get(field);
  return value == nullptr || value->is_null();
}

TEST_F(AccessLogFieldsTest, ProxiedRequestCarriesHostProtocolRefererBytesAndUpstream) {
  origin_.on("/fields", [](const ReceivedRequest&) { return OriginReply::text(201, "made"); });
  ASSERT_TRUE(start_gateway());

  const std::string body = "name=value";
  const std::string request =
      "POST /fields?x=1 HTTP/1.1\r\n"
      "Host: API.Example.test:8080\r\n"
      "Referer: https://app.example/page?token=s3cr3t&y=2\r\n"
      "Content-Type: application/x-www-form-urlencoded\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  HttpConnection connection(port());
  ASSERT_TRUE(connection.connected()) << connection.error();
  ASSERT_TRUE(connection.send(request));
  HttpResponse response = connection.read_response();
  ASSERT_EQ(response.status, 201) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("host"), "api.example.test:8080");
  EXPECT_EQ(entry->string_at("protocol"), "HTTP/1.1");
  EXPECT_EQ(entry->string_at("referer"), "https://app.example/page?token=[REDACTED]&y=2");
  EXPECT_EQ(entry->number_at("bytes_received"), static_cast<double>(request.size()));
  EXPECT_EQ(entry->string_at("upstream_addr"), origin_.address());
  EXPECT_EQ(entry->number_at("upstream_status"), 201.0);
  EXPECT_TRUE(entry->get("error") && entry->get("error")->is_null()) << access_log_text();
  const std::string traceparent = received->header("traceparent").value_or("");
  ASSERT_EQ(traceparent.size(), 55u) << traceparent;
  EXPECT_EQ(entry->string_at("span_id"), traceparent.substr(36, 16));
  EXPECT_EQ(access_log_text().find("s3cr3t"), std::string::npos);
}

TEST_F(AccessLogFieldsTest, UnroutedRequestHasNullUpstreamFields) {
  config_.routes = {R"({match: {prefix: "/only/"}, upstream: api})"};
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/elsewhere");
  ASSERT_EQ(response.status, 404) << response.error;

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << access_log_text();
  for (const char* field : {"upstream_addr", "upstream_status", "error", "referer"}) {
    EXPECT_TRUE(entry->get(field) && entry->get(field)->is_null()) << field;
  }
  EXPECT_EQ(entry->string_at("protocol"), "HTTP/1.1");
  EXPECT_GT(entry->number_at("bytes_received").value_or(0), 20.0);
  EXPECT_EQ(entry->string_at("span_id").size(), 16u);
}

TEST_F(AccessLogFieldsTest, ConnectionRefusedIsA502WithItsReason) {
  const std::string dead = dead_server();
  config_.upstreams["api"] = upstream_yaml({dead});
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/refused");
  ASSERT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY"));

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->number_at("status"), 502.0);
  EXPECT_EQ(entry->string_at("error"), "connect_refused");
  EXPECT_EQ(entry->string_at("upstream_addr"), dead);
  EXPECT_TRUE(is_null_or_absent(*entry, "upstream_status"));
}

TEST_F(AccessLogFieldsTest, NoServerLeftIsA503WithNoHealthyUpstream) {
  const std::string dead = dead_server();
  config_.upstreams["api"] =
      upstream_yaml({dead}, "passive_health: {max_failures: 1, ejection_time: 1m}");
  ASSERT_TRUE(start_gateway());
  ASSERT_TRUE(is_gateway_error(get("/eject"), 502, "BAD_GATEWAY"));  // ejects the only server
  HttpResponse response = get("/nobody");
  ASSERT_TRUE(is_gateway_error(response, 503, "SERVICE_UNAVAILABLE"));

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("error"), "no_healthy_upstream");
  EXPECT_TRUE(is_null_or_absent(*entry, "upstream_addr")) << "no server was tried";
}

TEST_F(AccessLogFieldsTest, SlowUpstreamIsA504WithUpstreamTimeout) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "timeout: 300ms");
  origin_.on("/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "too late");
    reply.delay = 2s;
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/slow");
  ASSERT_TRUE(is_gateway_error(response, 504, "GATEWAY_TIMEOUT"));

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("error"), "upstream_timeout");
  EXPECT_EQ(entry->string_at("upstream_addr"), origin_.address());
  EXPECT_TRUE(is_null_or_absent(*entry, "upstream_status"));
}

TEST_F(AccessLogFieldsTest, UpstreamThatClosesOrAnswersGarbageHasItsReason) {
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "retries: 0");
  origin_.on("/reset", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.close_without_answer = true;
    return reply;
  });
  origin_.on("/garbage", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.raw = std::string("this is not HTTP\r\n\r\n");
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse reset = get("/reset");
  ASSERT_TRUE(is_gateway_error(reset, 502, "BAD_GATEWAY"));
  auto reset_entry = entry_for(reset);
  ASSERT_TRUE(reset_entry) << access_log_text();
  EXPECT_EQ(reset_entry->string_at("error"), "upstream_reset");

  HttpResponse garbage = get("/garbage");
  ASSERT_TRUE(is_gateway_error(garbage, 502, "BAD_GATEWAY"));
  auto garbage_entry = entry_for(garbage);
  ASSERT_TRUE(garbage_entry) << access_log_text();
  EXPECT_EQ(garbage_entry->string_at("error"), "bad_response");
}

TEST_F(AccessLogFieldsTest, EventLogNumbersAreJsonNumbers) {
  ASSERT_TRUE(start_gateway());
  std::optional<JsonValue> started;
  ASSERT_TRUE(eventually(
      [&] {
        std::string text = gateway_->stderr_text();
        std::string_view rest(text);
        while (!rest.empty()) {
          const std::size_t end = rest.find('\n');
          if (end == std::string_view::npos) break;
          auto line = parse_json(rest.substr(0, end));
          rest.remove_prefix(end + 1);
          if (line && line->string_at("msg") == "centinela started") {
            started = std::move(line);
            return true;
          }
        }
        return false;
      },
      3000ms, 50ms))
      << gateway_->stderr_text();
  ASSERT_TRUE(started->get("workers"));
  EXPECT_TRUE(started->get("workers")->is_number()) << gateway_->stderr_text();
  EXPECT_EQ(started->number_at("workers"), static_cast<double>(config_.workers));
}

}  // namespace
}  // namespace itest
