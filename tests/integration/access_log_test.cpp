// The access log: one JSON line per request with every contract field,
// secrets redacted, and slow requests classified and warned about.
#include <regex>
#include <set>

#include "gateway_fixture.h"

namespace itest {
namespace {

class AccessLogTest : public GatewayTest {
 protected:
  AccessLogTest() { config_.log_extra = {"redact: {query_params: [token]}"}; }

  std::optional<JsonValue> entry_for(const HttpResponse& response) {
    std::string request_id = response.header("x-request-id").value_or("(no X-Request-ID)");
    return wait_for_access_log(
        [&](const JsonValue& entry) { return entry.string_at("request_id") == request_id; });
  }
};

TEST_F(AccessLogTest, LineHasEveryContractField) {
  ASSERT_TRUE(start_gateway());
  HttpResponse response =
      get("/logged?token=s3cr3t-token-value&page=2",
          {{"User-Agent", "itest-agent/1.0"}, {"Authorization", "Bearer very-secret-auth-value"}});
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->header("authorization").value_or("(absent)"),
            "Bearer very-secret-auth-value");  // still forwarded

  auto entry = entry_for(response);
  ASSERT_TRUE(entry) << "no access-log line for the request; log:\n" << access_log_text();

  static const std::regex kRfc3339Millis(
      R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$)");
  EXPECT_TRUE(std::regex_match(entry->string_at("ts"), kRfc3339Millis)) << entry->string_at("ts");
  EXPECT_EQ(entry->string_at("trace_id"),
            received->header("traceparent").value_or("").substr(3, 32));
  EXPECT_EQ(entry->string_at("client_ip"), "127.0.0.1");
  EXPECT_EQ(entry->string_at("method"), "GET");
  EXPECT_EQ(entry->string_at("path"), "/logged");
  std::string query = entry->string_at("query");
  EXPECT_NE(query.find("token=[REDACTED]"), std::string::npos) << query;
  EXPECT_NE(query.find("page=2"), std::string::npos) << query;
  EXPECT_EQ(entry->number_at("status"), 200.0);
  ASSERT_TRUE(entry->number_at("bytes_sent"));
  EXPECT_GE(*entry->number_at("bytes_sent"), static_cast<double>(response.body.size()));
  ASSERT_TRUE(entry->number_at("duration_ms"));
  ASSERT_TRUE(entry->number_at("upstream_ms"));
  EXPECT_GE(*entry->number_at("duration_ms"), 0.0);
  EXPECT_GE(*entry->number_at("upstream_ms"), 0.0);
  EXPECT_LE(*entry->number_at("upstream_ms"), *entry->number_at("duration_ms") + 1.0);
  EXPECT_FALSE(entry->string_at("route").empty());
  EXPECT_EQ(entry->string_at("upstream"), "api");
  EXPECT_TRUE((std::set<std::string>{"fast", "normal", "slow", "very_slow"}.count(
      entry->string_at("speed"))))
      << entry->string_at("speed");
  EXPECT_EQ(entry->string_at("user_agent"), "itest-agent/1.0");
  for (const char* field : {"user", "cache", "ratelimit"}) {
    EXPECT_TRUE(entry->get(field)) << "field '" << field << "' missing (null is fine)";
  }

  for (const char* secret : {"s3cr3t-token-value", "very-secret-auth-value"}) {
    EXPECT_EQ(access_log_text().find(secret), std::string::npos) << secret << " in access log";
    EXPECT_EQ(gateway_->stdout_text().find(secret), std::string::npos) << secret << " on stdout";
    EXPECT_EQ(gateway_->stderr_text().find(secret), std::string::npos) << secret << " on stderr";
  }
}

TEST_F(AccessLogTest, ExactlyOneLinePerRequest) {
  ASSERT_TRUE(start_gateway());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    HttpResponse response = get("/counted/" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << response.error;
    ids.push_back(response.header("x-request-id").value_or(""));
  }
  HttpResponse deleted = http_request(port(), "DELETE", "/counted/x");
  ids.push_back(deleted.header("x-request-id").value_or(""));

  ASSERT_TRUE(wait_for_access_log([&](const JsonValue& entry) {
    return entry.string_at("request_id") == ids.back();
  })) << access_log_text();
  std::map<std::string, int> lines_per_id;
  for (const JsonValue& entry : access_log_entries()) ++lines_per_id[entry.string_at("request_id")];
  for (const std::string& id : ids) EXPECT_EQ(lines_per_id[id], 1) << "request id " << id;
}

TEST_F(AccessLogTest, SlowRequestIsClassifiedAndWarned) {
  config_.log_extra.push_back("slow_request: {normal: 50ms, slow: 100ms, very_slow: 1s}");
  origin_.on("/delayed", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "eventually");
    reply.delay = 200ms;
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse quick = get("/quick");
  HttpResponse slow = get("/delayed");
  ASSERT_EQ(quick.status, 200) << quick.error;
  ASSERT_EQ(slow.status, 200) << slow.error;

  auto slow_entry = entry_for(slow);
  ASSERT_TRUE(slow_entry) << access_log_text();
  EXPECT_EQ(slow_entry->string_at("speed"), "slow");
  EXPECT_GE(slow_entry->number_at("duration_ms").value_or(0), 190.0);
  auto quick_entry = entry_for(quick);
  ASSERT_TRUE(quick_entry) << access_log_text();
  EXPECT_EQ(quick_entry->string_at("speed"), "fast");

  std::string request_id = slow.header("x-request-id").value_or("");
  auto has_warning = [&] {
    std::string text = gateway_->stderr_text();
    std::string_view rest(text);
    while (!rest.empty()) {
      std::size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      if (icontains(line, "warn") && icontains(line, "slow") &&
          (line.find("/delayed") != std::string_view::npos ||
           line.find(request_id) != std::string_view::npos)) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(eventually(has_warning, 3000ms, 50ms))
      << "no warning line about the slow request on stderr:\n"
      << gateway_->stderr_text();
}

}  // namespace
}  // namespace itest
