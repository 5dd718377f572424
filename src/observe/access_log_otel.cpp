#include "observe/access_log_otel.h"

#include "observe/json_escape.h"
#include "observe/json_fields.h"
#include "observe/json_object_writer.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

// The log data model's severity: a 5xx is the server's error, the rest is
// information (a 4xx is the client's doing).
constexpr unsigned kSeverityInfo = 9, kSeverityError = 17;

// "GET /path 200": what a person reads first.
void add_body(JsonObjectWriter& line, const AccessLogRecord& record) {
  std::string& out = line.member("body");
  out.push_back('"');
  append_json_escaped(out, record.method);
  out.push_back(' ');
  append_json_escaped(out, record.path);
  out.push_back(' ');
  append_uint_value(out, record.status);
  out.push_back('"');
}

void add_request_attributes(JsonObjectWriter& attributes, const AccessLogRecord& record,
                            const AccessLogFormat& format) {
  attributes.text("http.request.method", record.method);
  attributes.text("url.path", record.path);
  if (!record.query.empty()) {
    std::string& out = attributes.member("url.query");
    out.push_back('"');
    append_redacted_query_json(out, record.query, format.redact_query_params);
    out.push_back('"');
  }
  attributes.text("url.scheme", record.protocol.empty() ? "" : record.tls ? "https" : "http");
  if (record.status != 0) attributes.number("http.response.status_code", record.status);
  attributes.text("client.address", record.client_ip);
  const HostAndPort authority = split_authority(record.host);
  attributes.text("server.address", authority.host);
  if (authority.port != 0) attributes.number("server.port", authority.port);
  if (!record.protocol.empty()) {
    attributes.text("network.protocol.name", "http");
    attributes.text("network.protocol.version", protocol_version(record.protocol));
  }
  if (!record.tls_version.empty()) {
    std::string_view version = record.tls_version;
    if (version.starts_with("TLSv")) version.remove_prefix(4);
    attributes.text("tls.protocol.name", "tls");
    attributes.text("tls.protocol.version", version);
    attributes.text("tls.cipher", record.tls_cipher);
    if (!record.tls_sni.empty()) attributes.text("tls.client.server_name", record.tls_sni);
  }
  attributes.text("user_agent.original", logged_user_agent(record, format));
  if (!record.referer.empty()) {
    // Header attributes are string arrays: a field may come more than once.
    std::string& out = attributes.member("http.request.header.referer");
    out.append("[\"");
    append_redacted_referer_json(out, record.referer, format);
    out.append("\"]");
  }
  attributes.number("http.request.size", record.bytes_received);
  attributes.number("http.response.size", record.bytes_sent);
  attributes.text("user.name", record.user);
  attributes.text("error.type", record.error);
}

// What the conventions have no names for, under centinela.*.
void add_centinela_attributes(JsonObjectWriter& attributes, const AccessLogRecord& record,
                              const AccessLogFormat& format) {
  attributes.text("centinela.request_id", record.request_id);
  attributes.ms("centinela.duration_ms", record.duration_ms);
  attributes.text("centinela.route", record.route);
  attributes.text("centinela.upstream.name", record.upstream);
  attributes.text("centinela.upstream.address", record.upstream_addr);
  if (record.upstream_status != 0) {
    attributes.number("centinela.upstream.status_code", record.upstream_status);
  }
  attributes.ms("centinela.upstream.duration_ms", record.upstream_ms);
  if (!record.origin_timing.empty()) {
    append_origin_timing_value(attributes.member("centinela.origin_timing"), record.origin_timing);
  }
  attributes.text("centinela.cache", record.cache);
  attributes.text("centinela.ratelimit", record.ratelimit);
  attributes.text("centinela.speed",
                  to_string(classify_speed(speed_basis_ms(record), format.slow_request)));
  attributes.text("centinela.threat", record.threat);
  if (!record.waf_action.empty()) {
    append_int_value(attributes.member("centinela.waf.score"), record.waf_score);
    attributes.text("centinela.waf.action", record.waf_action);
  }
  attributes.text("centinela.incident_id", record.incident_id);
  if (record.tunnel) {
    attributes.ms("centinela.websocket.handshake_ms", record.handshake_ms);
    attributes.number("centinela.websocket.bytes_in", record.tunnel_bytes_in);
    attributes.number("centinela.websocket.bytes_out", record.tunnel_bytes_out);
  }
}

}  // namespace

void append_otel_line(std::string& out, const AccessLogRecord& record,
                      const AccessLogFormat& format) {
  {
    JsonObjectWriter line(out);
    std::string& ts = line.member("timestamp");
    ts.push_back('"');
    append_rfc3339_ms(ts, record.start);
    ts.push_back('"');
    const bool error = record.status >= 500;
    line.text("severity_text", error ? "ERROR" : "INFO");
    line.number("severity_number", error ? kSeverityError : kSeverityInfo);
    add_body(line, record);
    line.text("trace_id", record.trace_id);
    line.text("span_id", record.span_id);
    {
      JsonObjectWriter attributes(line, "attributes");
      add_request_attributes(attributes, record, format);
      add_centinela_attributes(attributes, record, format);
    }
    JsonObjectWriter resource(line, "resource");
    resource.text("service.name", "centinela");
  }
  out.push_back('\n');
}

}  // namespace centinela::observe
