#include "observe/access_log_format.h"

#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <string>

namespace centinela::observe {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

config::LogConfig log_config() {
  config::LogConfig cfg;
  cfg.redact.query_params = {"token", "password"};
  cfg.redact.headers = {"authorization", "cookie"};
  return cfg;
}

AccessLogRecord sample_record() {
  AccessLogRecord r;
  r.start = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795439805123));
  r.request_id = "req-1";
  r.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.client_ip = "203.0.113.7";
  r.user = "alice";
  r.method = "GET";
  r.path = "/api/items";
  r.query = "page=2&token=s3cret";
  r.route = "api";
  r.upstream = "api";
  r.cache = "MISS";
  r.ratelimit = "allowed";
  r.user_agent = "curl/8.0";
  r.status = 200;
  r.bytes_sent = 1234;
  r.duration_ms = 12.5;
  r.upstream_ms = 10.25;
  return r;
}

json::object parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
  json::error_code ec;
  json::value value = json::parse(line, ec);
  EXPECT_FALSE(ec) << ec.message() << ": " << line;
  return value.is_object() ? value.as_object() : json::object{};
}

// The string value of `key`, or a marker that fails any comparison.
std::string text_of(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "<missing or not a string>";
}

std::string redacted(std::string_view query, const std::vector<std::string>& params) {
  std::string out;
  append_redacted_query_json(out, query, params);
  return out;
}

TEST(ClassifySpeed, ThresholdsAreLowerBoundsOfEachClass) {
  const config::SlowRequestConfig t{100ms, 500ms, 3000ms};
  EXPECT_EQ(classify_speed(0, t), Speed::fast);
  EXPECT_EQ(classify_speed(99.9, t), Speed::fast);
  EXPECT_EQ(classify_speed(100, t), Speed::normal);
  EXPECT_EQ(classify_speed(499.99, t), Speed::normal);
  EXPECT_EQ(classify_speed(500, t), Speed::slow);
  EXPECT_EQ(classify_speed(2999, t), Speed::slow);
  EXPECT_EQ(classify_speed(3000, t), Speed::very_slow);
  EXPECT_EQ(classify_speed(1e9, t), Speed::very_slow);
  EXPECT_EQ(to_string(Speed::very_slow), "very_slow");
  EXPECT_EQ(to_string(Speed::normal), "normal");
}

TEST(QueryRedaction, ReplacesValuesOfNamedParametersOnly) {
  const std::vector<std::string> params = {"token", "password"};
  EXPECT_EQ(redacted("page=2&token=abc&q=x", params), "page=2&token=[REDACTED]&q=x");
  EXPECT_EQ(redacted("password=hunter2", params), "password=[REDACTED]");
  EXPECT_EQ(redacted("token=a&token=b", params), "token=[REDACTED]&token=[REDACTED]");
  EXPECT_EQ(redacted("mytoken=a&token2=b&Token=c", params), "mytoken=a&token2=b&Token=c");
  EXPECT_EQ(redacted("token&x=1&&", params), "token&x=1&&");
  EXPECT_EQ(redacted("token=", params), "token=[REDACTED]");
}

TEST(QueryRedaction, PercentEncodedNamesAreRedactedToo) {
  const std::vector<std::string> params = {"token", "api key"};
  EXPECT_EQ(redacted("%74oken=abc", params), "%74oken=[REDACTED]");
  EXPECT_EQ(redacted("api+key=abc&api%20key=def", params),
            "api+key=[REDACTED]&api%20key=[REDACTED]");
  EXPECT_EQ(redacted("tok%=1&%7=2", params), "tok%=1&%7=2");
}

TEST(QueryRedaction, OutputIsJsonEscaped) {
  EXPECT_EQ(redacted("q=\"x\"\n", {}), "q=\\\"x\\\"\\n");
}

TEST(AccessLine, HasEveryContractFieldWithTheRightValues) {
  std::string line;
  append_access_line(line, sample_record(), make_access_log_format(log_config()));
  const json::object o = parse_line(line);
  for (const char* field : {"ts", "request_id", "trace_id", "client_ip", "user", "method", "path",
                            "query", "status", "bytes_sent", "duration_ms", "upstream_ms", "route",
                            "upstream", "cache", "ratelimit", "speed", "user_agent"}) {
    EXPECT_TRUE(o.contains(field)) << field;
  }
  EXPECT_EQ(text_of(o, "ts"), "2026-11-23T13:16:45.123Z");
  EXPECT_EQ(text_of(o, "request_id"), "req-1");
  EXPECT_EQ(text_of(o, "client_ip"), "203.0.113.7");
  EXPECT_EQ(text_of(o, "query"), "page=2&token=[REDACTED]");
  EXPECT_EQ(o.at("status").to_number<int>(), 200);
  EXPECT_EQ(o.at("bytes_sent").to_number<int>(), 1234);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").to_number<double>(), 12.5);
  EXPECT_DOUBLE_EQ(o.at("upstream_ms").to_number<double>(), 10.25);
  EXPECT_EQ(text_of(o, "speed"), "fast");
  EXPECT_EQ(text_of(o, "user_agent"), "curl/8.0");
  EXPECT_EQ(line.find("s3cret"), std::string::npos);
}

TEST(AccessLine, CarriesHostProtocolRefererBytesAndUpstreamFields) {
  AccessLogRecord r = sample_record();
  r.host = "api.example:8080";
  r.protocol = "HTTP/1.1";
  r.referer = "https://app.example/p?token=abc&x=1";
  r.span_id = "00f067aa0ba902b7";
  r.upstream_addr = "10.0.0.7:9000";
  r.upstream_status = 503;
  r.bytes_received = 321;
  std::string line;
  append_access_line(line, r, make_access_log_format(log_config()));
  const json::object o = parse_line(line);
  EXPECT_EQ(text_of(o, "host"), "api.example:8080");
  EXPECT_EQ(text_of(o, "protocol"), "HTTP/1.1");
  EXPECT_EQ(text_of(o, "referer"), "https://app.example/p?token=[REDACTED]&x=1");
  EXPECT_EQ(text_of(o, "span_id"), "00f067aa0ba902b7");
  EXPECT_EQ(text_of(o, "upstream_addr"), "10.0.0.7:9000");
  EXPECT_EQ(o.at("upstream_status").to_number<int>(), 503);
  EXPECT_EQ(o.at("bytes_received").to_number<int>(), 321);
  EXPECT_TRUE(o.at("error").is_null());

  config::LogConfig cfg = log_config();
  cfg.redact.headers.push_back("referer");
  line.clear();
  append_access_line(line, r, make_access_log_format(cfg));
  EXPECT_EQ(text_of(parse_line(line), "referer"), "[REDACTED]");
}

TEST(AccessLine, EmptyAndUnmeasuredFieldsAreNull) {
  AccessLogRecord r;
  r.method = "GET";
  r.path = "/";
  r.status = 404;
  std::string line;
  append_access_line(line, r, make_access_log_format(log_config()));
  const json::object o = parse_line(line);
  EXPECT_TRUE(o.at("query").is_null());
  EXPECT_TRUE(o.at("user").is_null());
  EXPECT_TRUE(o.at("upstream_ms").is_null());
  EXPECT_TRUE(o.at("user_agent").is_null());
  for (const char* field :
       {"host", "protocol", "referer", "span_id", "upstream_addr", "upstream_status", "error"}) {
    EXPECT_TRUE(o.at(field).is_null()) << field;
  }
  EXPECT_EQ(text_of(o, "speed"), "fast");
}

TEST(AccessLine, UserAgentRedactedWhenItsHeaderIs) {
  config::LogConfig cfg = log_config();
  cfg.redact.headers.push_back("user-agent");
  std::string line;
  append_access_line(line, sample_record(), make_access_log_format(cfg));
  EXPECT_EQ(text_of(parse_line(line), "user_agent"), "[REDACTED]");
  EXPECT_EQ(line.find("curl"), std::string::npos);
}

TEST(AccessLine, HostileStringsCannotInjectFieldsOrLines) {
  AccessLogRecord r = sample_record();
  const std::string path = "/x\"}\n{\"status\":999,\"a\":\"";
  const std::string agent = std::string("evil\x01\x1b[31m\xff\xfe agent\r\n") + "\"";
  const std::string user = "bob\\\"";
  const std::string query = "a=\"b\"&token=\n{\"x\":1}";
  r.path = path;
  r.user_agent = agent;
  r.user = user;
  r.query = query;
  std::string line;
  append_access_line(line, r, make_access_log_format(log_config()));
  const json::object o = parse_line(line);
  EXPECT_EQ(text_of(o, "path"), path);
  EXPECT_EQ(text_of(o, "user"), user);
  EXPECT_EQ(o.at("status").to_number<int>(), 200);
  EXPECT_EQ(text_of(o, "query"), "a=\"b\"&token=[REDACTED]");
  EXPECT_EQ(text_of(o, "user_agent"), "evil\x01\x1b[31m\xEF\xBF\xBD\xEF\xBF\xBD agent\r\n\"");
  EXPECT_EQ(o.size(), 26u);
}

TEST(AccessLine, SpeedFollowsConfiguredThresholds) {
  config::LogConfig cfg = log_config();
  cfg.slow_request = {10ms, 20ms, 30ms};
  AccessLogRecord r = sample_record();
  r.duration_ms = 25;
  std::string line;
  append_access_line(line, r, make_access_log_format(cfg));
  EXPECT_EQ(text_of(parse_line(line), "speed"), "slow");
}

TEST(SlowRequestWarning, IsAnEventLineWithTheTimingBreakdown) {
  AccessLogRecord r = sample_record();
  r.duration_ms = 4200;
  r.upstream_connect_ms = 3000;
  r.upstream_response_ms = 1100.25;
  std::string line;
  append_slow_request_warning(line, r, Speed::very_slow, r.start);
  const json::object o = parse_line(line);
  EXPECT_EQ(text_of(o, "ts"), "2026-11-23T13:16:45.123Z");
  EXPECT_EQ(text_of(o, "level"), "warn");
  EXPECT_EQ(text_of(o, "msg"), "slow request");
  EXPECT_EQ(text_of(o, "speed"), "very_slow");
  EXPECT_EQ(text_of(o, "request_id"), "req-1");
  EXPECT_EQ(text_of(o, "path"), "/api/items");
  EXPECT_DOUBLE_EQ(o.at("duration_ms").to_number<double>(), 4200);
  EXPECT_FALSE(o.contains("queue_ms"));  // nothing measured it
  EXPECT_DOUBLE_EQ(o.at("upstream_connect_ms").to_number<double>(), 3000);
  EXPECT_DOUBLE_EQ(o.at("upstream_response_ms").to_number<double>(), 1100.25);
  EXPECT_FALSE(o.contains("query"));  // the warning carries no secrets
}

TEST(SlowRequestWarning, SaysWhatTheOriginSaidItsTimeWentOn) {
  const std::array<OriginTiming, 1> timings = {{{"db", 3800.5}}};
  AccessLogRecord r = sample_record();
  r.duration_ms = 4200;
  r.origin_timing = timings;
  std::string line;
  append_slow_request_warning(line, r, Speed::very_slow, r.start);
  const json::object o = parse_line(line);
  EXPECT_DOUBLE_EQ(o.at("origin_timing").as_object().at("db").to_number<double>(), 3800.5);
  std::string without;
  append_slow_request_warning(without, sample_record(), Speed::slow, r.start);
  EXPECT_FALSE(parse_line(without).contains("origin_timing"));
}

}  // namespace
}  // namespace centinela::observe

namespace centinela::observe {
namespace {

TEST(AccessLine, WafFieldsOnlyWithAWaf) {
  std::string line;
  append_access_line(line, sample_record(), make_access_log_format(log_config()));
  json::object o = parse_line(line);
  EXPECT_FALSE(o.contains("waf_score"));
  EXPECT_FALSE(o.contains("waf_action"));
  EXPECT_FALSE(o.contains("incident_id"));

  AccessLogRecord passed = sample_record();
  passed.waf_score = 3;
  passed.waf_action = "pass";
  line.clear();
  append_access_line(line, passed, make_access_log_format(log_config()));
  o = parse_line(line);
  EXPECT_EQ(o.at("waf_score").to_number<int>(), 3);
  EXPECT_EQ(text_of(o, "waf_action"), "pass");
  EXPECT_FALSE(o.contains("incident_id"));

  AccessLogRecord blocked = sample_record();
  blocked.waf_score = 15;
  blocked.waf_action = "blocked";
  blocked.incident_id = "inc_01HF0000000000000000000000";
  line.clear();
  append_access_line(line, blocked, make_access_log_format(log_config()));
  o = parse_line(line);
  EXPECT_EQ(o.at("waf_score").to_number<int>(), 15);
  EXPECT_EQ(text_of(o, "waf_action"), "blocked");
  EXPECT_EQ(text_of(o, "incident_id"), "inc_01HF0000000000000000000000");
}

}  // namespace
}  // namespace centinela::observe
