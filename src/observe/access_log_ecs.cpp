#include "observe/access_log_ecs.h"

#include <cmath>

#include "observe/json_escape.h"
#include "observe/json_fields.h"
#include "observe/json_object_writer.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

void add_event(JsonObjectWriter& line, const AccessLogRecord& record) {
  JsonObjectWriter event(line, "event");
  event.text("kind", "event");
  event.member("category").append("[\"web\"]");
  event.member("type").append("[\"access\"]");
  // As Elastic APM judges a server's transaction: only 5xx is a failure.
  event.text("outcome", record.status == 0     ? "unknown"
                        : record.status >= 500 ? "failure"
                                               : "success");
  if (is_measured_ms(record.duration_ms)) {
    event.number("duration", static_cast<std::uint64_t>(std::llround(record.duration_ms * 1e6)));
  }
}

void add_http(JsonObjectWriter& line, const AccessLogRecord& record,
              const AccessLogFormat& format) {
  JsonObjectWriter http(line, "http");
  http.text("version", protocol_version(record.protocol));
  {
    JsonObjectWriter request(http, "request");
    request.text("id", record.request_id);
    request.text("method", record.method);
    request.number("bytes", record.bytes_received);
    if (!record.referer.empty()) {
      std::string& out = request.member("referrer");
      out.push_back('"');
      append_redacted_referer_json(out, record.referer, format);
      out.push_back('"');
    }
  }
  JsonObjectWriter response(http, "response");
  if (record.status != 0) response.number("status_code", record.status);
  response.number("bytes", record.bytes_sent);
}

void add_url(JsonObjectWriter& line, const AccessLogRecord& record, const AccessLogFormat& format) {
  JsonObjectWriter url(line, "url");
  const HostAndPort authority = split_authority(record.host);
  url.text("domain", authority.host);
  if (authority.port != 0) url.number("port", authority.port);
  url.text("scheme", record.protocol.empty() ? "" : record.tls ? "https" : "http");
  url.text("path", record.path);
  if (!record.query.empty()) {
    std::string& out = url.member("query");
    out.push_back('"');
    append_redacted_query_json(out, record.query, format.redact_query_params);
    out.push_back('"');
  }
}

// ECS `tls.*`: the version as a number ("1.3") with its protocol ("tls").
void add_tls(JsonObjectWriter& line, const AccessLogRecord& record) {
  if (record.tls_version.empty()) return;
  JsonObjectWriter tls(line, "tls");
  std::string_view version = record.tls_version;
  if (version.starts_with("TLSv")) version.remove_prefix(4);
  tls.text("version", version);
  tls.text("version_protocol", "tls");
  tls.text("cipher", record.tls_cipher);
  if (!record.tls_sni.empty()) {
    JsonObjectWriter client(tls, "client");
    client.text("server_name", record.tls_sni);
  }
}

void add_one(JsonObjectWriter& line, std::string_view object, std::string_view name,
             std::string_view value) {
  JsonObjectWriter member(line, object);
  member.text(name, value);
}

// What ECS has no names for: the gateway's own view of the request.
void add_centinela(JsonObjectWriter& line, const AccessLogRecord& record,
                   const AccessLogFormat& format) {
  JsonObjectWriter own(line, "centinela");
  own.text("route", record.route);
  {
    JsonObjectWriter upstream(own, "upstream");
    upstream.text("name", record.upstream);
    upstream.text("address", record.upstream_addr);
    if (record.upstream_status != 0) upstream.number("status_code", record.upstream_status);
    upstream.ms("duration_ms", record.upstream_ms);
  }
  if (!record.origin_timing.empty()) {
    append_origin_timing_value(own.member("origin_timing"), record.origin_timing);
  }
  own.text("cache", record.cache);
  own.text("ratelimit", record.ratelimit);
  own.text("speed", to_string(classify_speed(speed_basis_ms(record), format.slow_request)));
  own.text("threat", record.threat);
  if (!record.waf_action.empty()) {
    JsonObjectWriter waf(own, "waf");
    append_int_value(waf.member("score"), record.waf_score);
    waf.text("action", record.waf_action);
  }
  own.text("incident_id", record.incident_id);
  if (record.tunnel) {
    JsonObjectWriter websocket(own, "websocket");
    websocket.ms("handshake_ms", record.handshake_ms);
    websocket.number("bytes_in", record.tunnel_bytes_in);
    websocket.number("bytes_out", record.tunnel_bytes_out);
  }
}

}  // namespace

void append_ecs_line(std::string& out, const AccessLogRecord& record,
                     const AccessLogFormat& format) {
  {
    JsonObjectWriter line(out);
    std::string& ts = line.member("@timestamp");
    ts.push_back('"');
    append_rfc3339_ms(ts, record.start);
    ts.push_back('"');
    add_one(line, "ecs", "version", kEcsVersion);
    add_event(line, record);
    add_http(line, record, format);
    add_url(line, record, format);
    add_tls(line, record);
    add_one(line, "client", "ip", record.client_ip);
    add_one(line, "user", "name", record.user);
    add_one(line, "user_agent", "original", logged_user_agent(record, format));
    add_one(line, "trace", "id", record.trace_id);
    add_one(line, "span", "id", record.span_id);
    add_one(line, "error", "type", record.error);
    add_centinela(line, record, format);
  }
  out.push_back('\n');
}

}  // namespace centinela::observe
