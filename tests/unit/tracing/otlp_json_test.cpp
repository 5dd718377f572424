// The OTLP/HTTP JSON encoding: the ExportTraceServiceRequest shape, ids,
// times, kinds, attributes, status, and redaction as the access log's.
#include "tracing/otlp_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

#include "tracing/request_spans.h"

namespace centinela::tracing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const WallTime kStart{std::chrono::milliseconds(1795439805123)};

stage::TraceContext traced_context(bool with_parent) {
  stage::TraceContext trace;
  trace.trace_id = kTraceId;
  trace.span_id = "1111111111111111";
  const std::string_view parent = "00f067aa0ba902b7", upstream = "2222222222222222";
  if (with_parent) std::copy(parent.begin(), parent.end(), trace.parent_id.begin());
  std::copy(upstream.begin(), upstream.end(), trace.upstream_span_id.begin());
  trace.traced = true;
  return trace;
}

observe::AccessLogRecord request_record() {
  observe::AccessLogRecord r;
  r.start = kStart;
  r.request_id = "req-1";
  r.method = "GET";
  r.path = "/api/items";
  r.query = "page=2&token=s3cret";
  r.route = "api";
  r.client_ip = "203.0.113.7";
  r.user_agent = "curl/8.0";
  r.host = "gw.example:8080";
  r.protocol = "HTTP/1.1";
  r.cache = "MISS";
  r.ratelimit = "allowed";
  r.status = 200;
  r.upstream = "backend";
  r.upstream_addr = "127.0.0.1:9000";
  r.upstream_status = 200;
  return r;
}

json::object encode(const SpanRecord& record, const config::LogConfig& log = {}) {
  OtlpJsonEncoder encoder;
  std::string out;
  encoder.begin(out, "edge");
  encoder.add(out, record, observe::make_access_log_format(log));
  encoder.end(out);
  return json::parse(out).as_object();
}

const json::array& spans_of(const json::object& request) {
  const auto& resource = request.at("resourceSpans").as_array().at(0).as_object();
  return resource.at("scopeSpans").as_array().at(0).at("spans").as_array();
}

// The attribute's value object, or null when absent.
const json::object* attribute(const json::value& span, std::string_view key) {
  for (const auto& a : span.at("attributes").as_array()) {
    if (a.at("key").as_string() == key) return &a.at("value").as_object();
  }
  return nullptr;
}

std::string text_attribute(const json::value& span, std::string_view key) {
  const json::object* value = attribute(span, key);
  return value ? std::string(value->at("stringValue").as_string()) : "<absent>";
}

TEST(OtlpJsonTest, ARequestWithAnUpstreamCallIsAServerSpanAndAClientChild) {
  SpanRecord record;
  fill_span_record(record, traced_context(true), request_record(), kStart + 30ms,
                   UpstreamCall{kStart + 5ms, kStart + 25ms});
  const json::object request = encode(record);
  const auto& resource = request.at("resourceSpans").as_array().at(0).as_object();
  const auto& service = resource.at("resource").at("attributes").as_array().at(0);
  EXPECT_EQ(service.at("key").as_string(), "service.name");
  EXPECT_EQ(service.at("value").at("stringValue").as_string(), "edge");

  const json::array& spans = spans_of(request);
  ASSERT_EQ(spans.size(), 2u);
  const json::value& server = spans[0];
  EXPECT_EQ(server.at("traceId").as_string(), kTraceId);
  EXPECT_EQ(server.at("spanId").as_string(), "1111111111111111");
  EXPECT_EQ(server.at("parentSpanId").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(server.at("kind").as_int64(), 2);
  EXPECT_EQ(server.at("name").as_string(), "GET api");
  EXPECT_EQ(server.at("startTimeUnixNano").as_string(), "1795439805123000000");
  EXPECT_EQ(server.at("endTimeUnixNano").as_string(), "1795439805153000000");
  EXPECT_FALSE(server.as_object().contains("status"));
  EXPECT_EQ(text_attribute(server, "http.request.method"), "GET");
  EXPECT_EQ(text_attribute(server, "url.path"), "/api/items");
  EXPECT_EQ(text_attribute(server, "http.route"), "api");
  EXPECT_EQ(attribute(server, "http.response.status_code")->at("intValue").as_string(), "200");
  EXPECT_EQ(text_attribute(server, "client.address"), "203.0.113.7");
  EXPECT_EQ(text_attribute(server, "user_agent.original"), "curl/8.0");
  EXPECT_EQ(text_attribute(server, "server.address"), "gw.example");
  EXPECT_EQ(attribute(server, "server.port")->at("intValue").as_string(), "8080");
  EXPECT_EQ(text_attribute(server, "network.protocol.version"), "1.1");
  EXPECT_EQ(text_attribute(server, "centinela.cache"), "MISS");
  EXPECT_EQ(text_attribute(server, "centinela.ratelimit"), "allowed");
  EXPECT_EQ(text_attribute(server, "centinela.request_id"), "req-1");

  const json::value& client = spans[1];
  EXPECT_EQ(client.at("traceId").as_string(), kTraceId);
  EXPECT_EQ(client.at("spanId").as_string(), "2222222222222222");
  EXPECT_EQ(client.at("parentSpanId").as_string(), "1111111111111111");
  EXPECT_EQ(client.at("kind").as_int64(), 3);
  EXPECT_EQ(client.at("startTimeUnixNano").as_string(), "1795439805128000000");
  EXPECT_EQ(client.at("endTimeUnixNano").as_string(), "1795439805148000000");
  EXPECT_EQ(text_attribute(client, "server.address"), "127.0.0.1");
  EXPECT_EQ(attribute(client, "server.port")->at("intValue").as_string(), "9000");
  EXPECT_EQ(attribute(client, "http.response.status_code")->at("intValue").as_string(), "200");
  EXPECT_FALSE(client.as_object().contains("status"));
}

TEST(OtlpJsonTest, ARootSpanWithoutUpstreamHasNoParentAndNoChild) {
  observe::AccessLogRecord log = request_record();
  log.cache = "HIT";
  SpanRecord record;
  fill_span_record(record, traced_context(false), log, kStart + 1ms, std::nullopt);
  const json::object request = encode(record);
  const json::array& spans = spans_of(request);
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_FALSE(spans[0].as_object().contains("parentSpanId"));
  EXPECT_EQ(text_attribute(spans[0], "centinela.cache"), "HIT");
}

TEST(OtlpJsonTest, FiveHundredsAreErrorsAndAFailedCallNamesWhy) {
  observe::AccessLogRecord log = request_record();
  log.status = 502;
  log.upstream_status = 0;
  log.error = "connect_refused";
  SpanRecord record;
  fill_span_record(record, traced_context(true), log, kStart + 2ms,
                   UpstreamCall{kStart, kStart + 1ms});
  const json::object request = encode(record);
  const json::array& spans = spans_of(request);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].at("status").at("code").as_int64(), 2);
  EXPECT_EQ(text_attribute(spans[0], "error.type"), "connect_refused");
  EXPECT_EQ(spans[1].at("status").at("code").as_int64(), 2);
  EXPECT_EQ(text_attribute(spans[1], "error.type"), "connect_refused");
  EXPECT_EQ(attribute(spans[1], "http.response.status_code"), nullptr);
}

TEST(OtlpJsonTest, TheQueryAndUserAgentAreRedactedAsInTheAccessLog) {
  config::LogConfig log;
  log.redact.query_params = {"token"};
  log.redact.headers = {"user-agent"};
  SpanRecord record;
  fill_span_record(record, traced_context(false), request_record(), kStart, std::nullopt);
  const json::object request = encode(record, log);
  const json::array& spans = spans_of(request);
  EXPECT_EQ(text_attribute(spans[0], "url.query"), "page=2&token=[REDACTED]");
  EXPECT_EQ(text_attribute(spans[0], "user_agent.original"), "[REDACTED]");
}

TEST(OtlpJsonTest, HostileTextStaysValidJsonAndLongTextIsCut) {
  observe::AccessLogRecord log = request_record();
  const std::string path = "/\"\\\x01\xff" + std::string(1000, 'a') + "\xc3\xa9";
  log.path = path;
  log.user_agent = "\xc3\xa9\xc3";  // an incomplete character: U+FFFD in the JSON
  SpanRecord record;
  fill_span_record(record, traced_context(false), log, kStart, std::nullopt);
  EXPECT_EQ(record.path.view().size(), 384u);
  const json::object request = encode(record);
  const json::array& spans = spans_of(request);
  EXPECT_EQ(text_attribute(spans[0], "url.path").substr(0, 4), "/\"\\\x01");
}

TEST(OtlpJsonTest, RandomBytesInEveryTextStillMakeValidJson) {
  std::mt19937 random(15);
  auto bytes = [&](std::size_t max) {
    std::string text(random() % (max + 1), '\0');
    for (char& c : text) c = static_cast<char>(random() & 0xff);
    return text;
  };
  const auto format = observe::make_access_log_format({});
  for (int round = 0; round < 300; ++round) {
    const std::string method = bytes(20), path = bytes(500), query = bytes(300), agent = bytes(250),
                      host = bytes(150), route = bytes(80), addr = bytes(80);
    observe::AccessLogRecord log = request_record();
    log.method = method;
    log.path = path;
    log.query = query;
    log.user_agent = agent;
    log.host = host;
    log.route = route;
    log.upstream_addr = addr;
    SpanRecord record;
    fill_span_record(record, traced_context(round % 2 == 0), log, kStart,
                     UpstreamCall{kStart, kStart});
    OtlpJsonEncoder encoder;
    std::string out;
    encoder.begin(out, bytes(30));
    encoder.add(out, record, format);
    encoder.end(out);
    boost::system::error_code ec;
    json::parse(out, ec);
    ASSERT_FALSE(ec) << out;
  }
}

TEST(OtlpJsonTest, ABatchHoldsEveryRequestsSpansInOrder) {
  OtlpJsonEncoder encoder;
  std::string out;
  encoder.begin(out, "centinela");
  const auto format = observe::make_access_log_format({});
  for (int i = 0; i < 3; ++i) {
    SpanRecord record;
    fill_span_record(record, traced_context(false), request_record(), kStart,
                     i == 1 ? std::optional(UpstreamCall{kStart, kStart}) : std::nullopt);
    encoder.add(out, record, format);
  }
  encoder.end(out);
  EXPECT_EQ(encoder.spans(), 4u);
  const json::object request = json::parse(out).as_object();
  EXPECT_EQ(spans_of(request).size(), 4u);
}

}  // namespace
}  // namespace centinela::tracing
