// The ecs and otel access-log formats: field names, nesting, and absent
// values left out.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <string>

#include "observe/access_log_ecs.h"
#include "observe/access_log_format.h"
#include "observe/access_log_otel.h"

namespace centinela::observe {
namespace {

namespace json = boost::json;

AccessLogFormat format_of(config::AccessLogSchema schema) {
  config::LogConfig cfg;
  cfg.access.format = schema;
  cfg.redact.query_params = {"token"};
  return make_access_log_format(cfg);
}

AccessLogRecord full_record() {
  AccessLogRecord r;
  r.start = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795439805123));
  r.request_id = "req-1";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.span_id = "00f067aa0ba902b7";
  r.client_ip = "203.0.113.7";
  r.user = "alice";
  r.method = "GET";
  r.path = "/api/items";
  r.query = "page=2&token=s3cret";
  r.host = "api.example:8443";
  r.protocol = "HTTP/1.1";
  r.referer = "https://app.example/";
  r.route = "api";
  r.upstream = "api";
  r.upstream_addr = "10.0.0.7:9000";
  r.upstream_status = 200;
  r.cache = "MISS";
  r.ratelimit = "allowed";
  r.user_agent = "curl/8.0";
  r.status = 200;
  r.bytes_sent = 1234;
  r.bytes_received = 210;
  r.duration_ms = 12.5;
  r.upstream_ms = 10.25;
  return r;
}

json::value parse(const std::string& line) {
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  json::error_code ec;
  json::value value = json::parse(line, ec);
  EXPECT_FALSE(ec) << ec.message() << ": " << line;
  return value;
}

const json::value* at(const json::value& root, std::initializer_list<const char*> path) {
  const json::value* v = &root;
  for (const char* key : path) {
    if (!v->is_object()) return nullptr;
    v = v->as_object().if_contains(key);
    if (v == nullptr) return nullptr;
  }
  return v;
}

std::string text(const json::value* v) {
  return v && v->is_string() ? std::string(v->as_string()) : "<missing or not a string>";
}

TEST(SplitAuthority, HostAndPortApart) {
  EXPECT_EQ(split_authority("api.example:8443").host, "api.example");
  EXPECT_EQ(split_authority("api.example:8443").port, 8443u);
  EXPECT_EQ(split_authority("api.example").port, 0u);
  EXPECT_EQ(split_authority("[::1]:80").host, "::1");
  EXPECT_EQ(split_authority("[::1]:80").port, 80u);
  EXPECT_EQ(split_authority("[::1]").host, "::1");
  EXPECT_EQ(split_authority("::1").host, "::1");
  EXPECT_EQ(split_authority("host:99999").port, 0u);
}

TEST(EcsLine, NestedObjectsWithEcsNames) {
  std::string line;
  append_access_line(line, full_record(), format_of(config::AccessLogSchema::ecs));
  const json::value v = parse(line);
  EXPECT_EQ(text(at(v, {"@timestamp"})), "2026-11-23T13:16:45.123Z");
  EXPECT_EQ(text(at(v, {"ecs", "version"})), kEcsVersion);
  EXPECT_EQ(text(at(v, {"http", "request", "method"})), "GET");
  EXPECT_EQ(text(at(v, {"http", "request", "id"})), "req-1");
  EXPECT_EQ(at(v, {"http", "request", "bytes"})->to_number<int>(), 210);
  EXPECT_EQ(at(v, {"http", "response", "status_code"})->to_number<int>(), 200);
  EXPECT_EQ(at(v, {"http", "response", "bytes"})->to_number<int>(), 1234);
  EXPECT_EQ(text(at(v, {"http", "version"})), "1.1");
  EXPECT_EQ(text(at(v, {"url", "path"})), "/api/items");
  EXPECT_EQ(text(at(v, {"url", "query"})), "page=2&token=[REDACTED]");
  EXPECT_EQ(text(at(v, {"url", "domain"})), "api.example");
  EXPECT_EQ(at(v, {"url", "port"})->to_number<int>(), 8443);
  EXPECT_EQ(text(at(v, {"client", "ip"})), "203.0.113.7");
  EXPECT_EQ(text(at(v, {"user", "name"})), "alice");
  EXPECT_EQ(text(at(v, {"user_agent", "original"})), "curl/8.0");
  EXPECT_EQ(text(at(v, {"trace", "id"})), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(text(at(v, {"span", "id"})), "00f067aa0ba902b7");
  EXPECT_EQ(at(v, {"event", "duration"})->to_number<std::int64_t>(), 12'500'000);
  EXPECT_EQ(text(at(v, {"centinela", "upstream", "address"})), "10.0.0.7:9000");
  EXPECT_EQ(at(v, {"error"}), nullptr) << "absent values are left out";
  EXPECT_EQ(line.find("s3cret"), std::string::npos);
}

TEST(EcsLine, EmptyObjectsAreLeftOut) {
  AccessLogRecord r;
  r.method = "GET";
  r.path = "/";
  r.status = 404;
  std::string line;
  append_access_line(line, r, format_of(config::AccessLogSchema::ecs));
  const json::value v = parse(line);
  EXPECT_EQ(at(v, {"user"}), nullptr);
  EXPECT_EQ(at(v, {"trace"}), nullptr);
  EXPECT_EQ(at(v, {"centinela", "upstream"}), nullptr);
  EXPECT_EQ(at(v, {"event", "duration"})->to_number<int>(), 0);
  EXPECT_EQ(text(at(v, {"centinela", "speed"})), "fast");
}

TEST(OtelLine, LogRecordWithFlatAttributes) {
  AccessLogRecord r = full_record();
  r.status = 502;
  r.upstream_status = 0;
  r.error = "connect_refused";
  std::string line;
  append_access_line(line, r, format_of(config::AccessLogSchema::otel));
  const json::value v = parse(line);
  EXPECT_EQ(text(at(v, {"timestamp"})), "2026-11-23T13:16:45.123Z");
  EXPECT_EQ(text(at(v, {"severity_text"})), "ERROR");
  EXPECT_EQ(at(v, {"severity_number"})->to_number<int>(), 17);
  EXPECT_EQ(text(at(v, {"body"})), "GET /api/items 502");
  EXPECT_EQ(text(at(v, {"trace_id"})), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(text(at(v, {"span_id"})), "00f067aa0ba902b7");
  EXPECT_EQ(text(at(v, {"attributes", "http.request.method"})), "GET");
  EXPECT_EQ(text(at(v, {"attributes", "url.path"})), "/api/items");
  EXPECT_EQ(text(at(v, {"attributes", "url.query"})), "page=2&token=[REDACTED]");
  EXPECT_EQ(at(v, {"attributes", "http.response.status_code"})->to_number<int>(), 502);
  EXPECT_EQ(text(at(v, {"attributes", "client.address"})), "203.0.113.7");
  EXPECT_EQ(text(at(v, {"attributes", "server.address"})), "api.example");
  EXPECT_EQ(at(v, {"attributes", "server.port"})->to_number<int>(), 8443);
  EXPECT_EQ(text(at(v, {"attributes", "network.protocol.version"})), "1.1");
  EXPECT_EQ(text(at(v, {"attributes", "user_agent.original"})), "curl/8.0");
  EXPECT_EQ(text(at(v, {"attributes", "error.type"})), "connect_refused");
  EXPECT_EQ(text(at(v, {"attributes", "user.name"})), "alice");
  EXPECT_EQ(at(v, {"attributes", "centinela.upstream.status_code"}), nullptr);
  EXPECT_EQ(text(at(v, {"resource", "service.name"})), "centinela");
  EXPECT_EQ(line.find("s3cret"), std::string::npos);
}

TEST(OtelLine, HostileStringsStayInsideTheirValues) {
  AccessLogRecord r = full_record();
  const std::string path = "/x\" 200\"}\n{\"a\":\"";
  r.path = path;
  std::string line;
  append_access_line(line, r, format_of(config::AccessLogSchema::otel));
  const json::value v = parse(line);
  EXPECT_EQ(text(at(v, {"attributes", "url.path"})), path);
  EXPECT_EQ(text(at(v, {"body"})), "GET " + path + " 200");
}

// The origin's Server-Timing durations: an object of name → ms in every
// format, absent when the origin sent none.
TEST(OriginTiming, AnObjectInEveryFormatAbsentWithout) {
  const std::array<OriginTiming, 2> timings = {{{"db", 20.0}, {"app\"x", 4.5}}};
  AccessLogRecord r = full_record();
  r.origin_timing = timings;
  const struct {
    config::AccessLogSchema schema;
    std::initializer_list<const char*> path;
  } formats[] = {{config::AccessLogSchema::centinela, {"origin_timing"}},
                 {config::AccessLogSchema::ecs, {"centinela", "origin_timing"}},
                 {config::AccessLogSchema::otel, {"attributes", "centinela.origin_timing"}}};
  for (const auto& format : formats) {
    std::string line;
    append_access_line(line, r, format_of(format.schema));
    const json::value v = parse(line);
    const json::value* object = at(v, format.path);
    ASSERT_TRUE(object && object->is_object()) << line;
    EXPECT_EQ(object->as_object().size(), 2u) << line;
    EXPECT_EQ(object->as_object().at("db").to_number<double>(), 20.0) << line;
    EXPECT_EQ(object->as_object().at("app\"x").to_number<double>(), 4.5) << line;

    std::string without;
    append_access_line(without, full_record(), format_of(format.schema));
    EXPECT_EQ(at(parse(without), format.path), nullptr) << without;
  }
}

}  // namespace
}  // namespace centinela::observe
