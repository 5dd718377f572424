// log.access.format: the same request logged with Elastic Common Schema
// names (nested objects) and as an OpenTelemetry log record (attributes with
// the HTTP semantic conventions' names).
#include <csignal>
#include <regex>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

class AccessLogFormatsTest : public GatewayTest {
 protected:
  AccessLogFormatsTest() { config_.log_extra = {"redact: {query_params: [token]}"}; }

  // A GET with a query, a user agent and a referer; the origin answers 200.
  HttpResponse logged_request() {
    return get("/formats/item?token=s3cr3t&page=2",
               {{"User-Agent", "itest-agent/2.0"}, {"Referer", "https://app.example/list"}});
  }
};

const std::regex kRfc3339Millis(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
const std::regex kHex32("^[0-9a-f]{32}$");
const std::regex kHex16("^[0-9a-f]{16}$");

// The OpenTelemetry record's centinela.request_id attribute (a flat key).
bool otel_request_id_is(const JsonValue& entry, const std::string& request_id) {
  const JsonValue* attributes = entry.get("attributes");
  const JsonValue* id = attributes ? attributes->get("centinela.request_id") : nullptr;
  return id && id->text == request_id;
}

TEST_F(AccessLogFormatsTest, EcsLineUsesElasticCommonSchemaNames) {
  config_.access_log_format = "ecs";
  ASSERT_TRUE(start_gateway());
  HttpResponse response = logged_request();
  ASSERT_EQ(response.status, 200) << response.error;
  const std::string request_id = response.header("x-request-id").value_or("?");

  auto entry = wait_for_access_log(
      [&](const JsonValue& e) { return e.string_at("http.request.id") == request_id; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_TRUE(std::regex_match(entry->string_at("@timestamp"), kRfc3339Millis));
  EXPECT_FALSE(entry->string_at("ecs.version").empty());
  EXPECT_EQ(entry->string_at("http.request.method"), "GET");
  EXPECT_EQ(entry->string_at("url.path"), "/formats/item");
  EXPECT_EQ(entry->string_at("url.query"), "token=[REDACTED]&page=2");
  EXPECT_EQ(entry->number_at("http.response.status_code"), 200.0);
  EXPECT_GE(entry->number_at("http.response.bytes").value_or(0),
            static_cast<double>(response.body.size()));
  EXPECT_GT(entry->number_at("http.request.bytes").value_or(0), 0.0);
  EXPECT_EQ(entry->string_at("http.version"), "1.1");
  EXPECT_EQ(entry->string_at("http.request.referrer"), "https://app.example/list");
  EXPECT_EQ(entry->string_at("client.ip"), "127.0.0.1");
  EXPECT_EQ(entry->string_at("user_agent.original"), "itest-agent/2.0");
  EXPECT_TRUE(std::regex_match(entry->string_at("trace.id"), kHex32));
  EXPECT_TRUE(std::regex_match(entry->string_at("span.id"), kHex16));
  ASSERT_TRUE(entry->number_at("event.duration"));
  EXPECT_GT(*entry->number_at("event.duration"), 0.0);  // nanoseconds
  EXPECT_EQ(entry->string_at("event.outcome"), "success");
  EXPECT_EQ(entry->string_at("centinela.upstream.name"), "api");
  EXPECT_EQ(entry->string_at("centinela.upstream.address"), origin_.address());
  EXPECT_EQ(entry->number_at("centinela.upstream.status_code"), 200.0);
  EXPECT_FALSE(entry->get("ts")) << "centinela's own names stay out of the ecs format";
  EXPECT_EQ(access_log_text().find("s3cr3t"), std::string::npos);
}

TEST_F(AccessLogFormatsTest, OtelLineIsALogRecordWithSemanticConventionAttributes) {
  config_.access_log_format = "otel";
  ASSERT_TRUE(start_gateway());
  HttpResponse response = logged_request();
  ASSERT_EQ(response.status, 200) << response.error;
  const std::string request_id = response.header("x-request-id").value_or("?");

  auto entry =
      wait_for_access_log([&](const JsonValue& e) { return otel_request_id_is(e, request_id); });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_TRUE(std::regex_match(entry->string_at("timestamp"), kRfc3339Millis));
  EXPECT_EQ(entry->string_at("severity_text"), "INFO");
  EXPECT_EQ(entry->number_at("severity_number"), 9.0);
  EXPECT_EQ(entry->string_at("body"), "GET /formats/item 200");
  EXPECT_TRUE(std::regex_match(entry->string_at("trace_id"), kHex32));
  EXPECT_TRUE(std::regex_match(entry->string_at("span_id"), kHex16));
  const JsonValue* attributes = entry->get("attributes");
  ASSERT_TRUE(attributes && attributes->is_object());
  // Attribute names are flat keys with dots in them, not nested objects.
  const auto text = [&](const char* key) {
    const JsonValue* value = attributes->get(key);
    return value && value->is_string() ? value->text : std::string("<missing ") + key + ">";
  };
  const auto number = [&](const char* key) -> std::optional<double> {
    const JsonValue* value = attributes->get(key);
    if (value == nullptr || !value->is_number()) return std::nullopt;
    return value->number;
  };
  EXPECT_EQ(text("http.request.method"), "GET");
  EXPECT_EQ(text("url.path"), "/formats/item");
  EXPECT_EQ(text("url.query"), "token=[REDACTED]&page=2");
  EXPECT_EQ(text("url.scheme"), "http");
  EXPECT_EQ(number("http.response.status_code"), 200.0);
  EXPECT_EQ(text("client.address"), "127.0.0.1");
  EXPECT_EQ(text("server.address"), "127.0.0.1");
  EXPECT_EQ(text("network.protocol.version"), "1.1");
  EXPECT_EQ(text("user_agent.original"), "itest-agent/2.0");
  EXPECT_GT(number("http.request.size").value_or(0), 0.0);
  EXPECT_GE(number("http.response.size").value_or(0), static_cast<double>(response.body.size()));
  EXPECT_EQ(text("centinela.upstream.address"), origin_.address());
  const JsonValue* referer = attributes->get("http.request.header.referer");
  ASSERT_TRUE(referer && referer->kind == JsonValue::Kind::array);
  ASSERT_EQ(referer->items.size(), 1u);
  EXPECT_EQ(referer->items[0].text, "https://app.example/list");
  const JsonValue* resource = entry->get("resource");
  ASSERT_TRUE(resource && resource->get("service.name"));
  EXPECT_EQ(resource->get("service.name")->text, "centinela");
  EXPECT_EQ(access_log_text().find("s3cr3t"), std::string::npos);
}

TEST_F(AccessLogFormatsTest, GatewayErrorIsAnErrorRecordWithItsType) {
  config_.access_log_format = "otel";
  ReservedPort dead;
  config_.upstreams["api"] = upstream_yaml({fmt::format("127.0.0.1:{}", dead.port())});
  ASSERT_TRUE(start_gateway());
  HttpResponse response = get("/refused");
  ASSERT_EQ(response.status, 502) << response.error;
  const std::string request_id = response.header("x-request-id").value_or("?");

  auto entry =
      wait_for_access_log([&](const JsonValue& e) { return otel_request_id_is(e, request_id); });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("severity_text"), "ERROR");
  const JsonValue* error_type = entry->get("attributes")->get("error.type");
  ASSERT_TRUE(error_type) << access_log_text();
  EXPECT_EQ(error_type->text, "connect_refused");
}

TEST_F(AccessLogFormatsTest, ReloadSwitchesTheFormat) {
  ASSERT_TRUE(start_gateway());
  HttpResponse before = get("/before");
  ASSERT_EQ(before.status, 200) << before.error;
  const std::string before_id = before.header("x-request-id").value_or("?");
  ASSERT_TRUE(wait_for_access_log([&](const JsonValue& e) {
    return e.string_at("request_id") == before_id;
  })) << access_log_text();

  const auto reloads = [&] {
    return metric("centinela_config_reloads_total", {{"result", "success"}}).value_or(0);
  };
  const double reloaded = reloads();
  config_.access_log_format = "ecs";
  write_config_file();
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually([&] { return reloads() >= reloaded + 1; }, 3000ms))
      << gateway_->stderr_text();

  HttpResponse after = get("/after");
  ASSERT_EQ(after.status, 200) << after.error;
  const std::string after_id = after.header("x-request-id").value_or("?");
  auto entry = wait_for_access_log(
      [&](const JsonValue& e) { return e.string_at("http.request.id") == after_id; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("url.path"), "/after");
}

TEST(AccessLogFormatCheck, UnknownFormatIsAFileLineErrorWithASuggestion) {
  TempDir dir;
  GatewayConfig config;
  config.listen_port = 18080;
  config.admin_port = 19901;
  config.access_log_path = dir.file("access.log");
  config.access_log_format = "otlp";
  config.upstreams["api"] = R"({servers: ["127.0.0.1:9000"]})";
  config.routes = {R"({match: {prefix: "/"}, upstream: api})"};
  const std::string path = dir.write("bad.yaml", config.render());

  CommandResult result = run_command({centinela_binary(), "check", "-c", path});
  EXPECT_EQ(result.exit_code, 1) << result.output();
  const std::regex kProblem(
      ":\\d+:\\d+: log\\.access\\.format: unknown format 'otlp'.*did you "
      "mean 'otel'\\?");
  EXPECT_NE(result.output().find(path + ":"), std::string::npos) << result.output();
  EXPECT_TRUE(std::regex_search(result.output(), kProblem)) << result.output();
}

}  // namespace
}  // namespace itest
