#include "observe/access_log_format.h"

#include <algorithm>
#include <charconv>

#include "config/percent_encoding.h"
#include "observe/access_log_ecs.h"
#include "observe/access_log_otel.h"
#include "observe/event_log.h"
#include "observe/json_escape.h"
#include "observe/json_fields.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

// Whether `raw`, percent-decoded (and '+' as space), equals `target`; done in
// place so that "%74oken=..." cannot slip past a rule for "token".
bool decoded_equals(std::string_view raw, std::string_view target) {
  std::size_t i = 0, j = 0;
  while (i < raw.size()) {
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size() && config::hex_digit_value(raw[i + 1]) >= 0 &&
        config::hex_digit_value(raw[i + 2]) >= 0) {
      c = static_cast<char>(config::hex_digit_value(raw[i + 1]) * 16 +
                            config::hex_digit_value(raw[i + 2]));
      i += 3;
    } else {
      if (c == '+') c = ' ';
      ++i;
    }
    if (j >= target.size() || target[j] != c) return false;
    ++j;
  }
  return j == target.size();
}

bool is_redacted_name(std::string_view name, const std::vector<std::string>& params) {
  return std::any_of(params.begin(), params.end(), [&](const std::string& param) {
    return name == param || decoded_equals(name, param);
  });
}

}  // namespace

Speed classify_speed(double duration_ms, const config::SlowRequestConfig& thresholds) {
  const auto below = [&](config::Duration limit) {
    return duration_ms < static_cast<double>(limit.count());
  };
  if (below(thresholds.normal)) return Speed::fast;
  if (below(thresholds.slow)) return Speed::normal;
  if (below(thresholds.very_slow)) return Speed::slow;
  return Speed::very_slow;
}

std::string_view to_string(Speed speed) {
  switch (speed) {
    case Speed::fast:
      return "fast";
    case Speed::normal:
      return "normal";
    case Speed::slow:
      return "slow";
    case Speed::very_slow:
      return "very_slow";
  }
  return "fast";
}

AccessLogFormat make_access_log_format(const config::LogConfig& cfg) {
  AccessLogFormat format;
  format.enabled = cfg.access.enabled && cfg.access.path != "off";
  format.redact_query_params = cfg.redact.query_params;
  const auto redacts = [&](std::string_view header) {
    return std::find(cfg.redact.headers.begin(), cfg.redact.headers.end(), header) !=
           cfg.redact.headers.end();
  };
  format.schema = cfg.access.format;
  format.redact_user_agent = redacts("user-agent");
  format.redact_referer = redacts("referer");
  format.slow_request = cfg.slow_request;
  return format;
}

void append_redacted_query_json(std::string& out, std::string_view query,
                                const std::vector<std::string>& params) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t amp = query.find('&', start);
    const std::string_view param =
        query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    const std::size_t equals = param.find('=');
    if (equals != std::string_view::npos && is_redacted_name(param.substr(0, equals), params)) {
      append_json_escaped(out, param.substr(0, equals + 1));
      out.append(kRedacted);
    } else {
      append_json_escaped(out, param);
    }
    if (amp == std::string_view::npos) break;
    out.push_back('&');
    start = amp + 1;
  }
}

void append_redacted_referer_json(std::string& out, std::string_view referer,
                                  const AccessLogFormat& format) {
  if (format.redact_referer) {
    out.append(kRedacted);
    return;
  }
  const std::size_t question = referer.find('?');
  append_json_escaped(out, referer.substr(0, question));
  if (question == std::string_view::npos) return;
  out.push_back('?');
  append_redacted_query_json(out, referer.substr(question + 1), format.redact_query_params);
}

std::string_view logged_user_agent(const AccessLogRecord& record, const AccessLogFormat& format) {
  return format.redact_user_agent && !record.user_agent.empty() ? kRedacted : record.user_agent;
}

HostAndPort split_authority(std::string_view authority) {
  HostAndPort result{authority, 0};
  const std::size_t colon = authority.rfind(':');
  const std::size_t bracket = authority.rfind(']');
  if (colon == std::string_view::npos || (bracket != std::string_view::npos && bracket > colon)) {
    if (authority.size() > 2 && authority.front() == '[' && authority.back() == ']') {
      result.host = authority.substr(1, authority.size() - 2);
    }
    return result;
  }
  const std::string_view digits = authority.substr(colon + 1);
  unsigned port = 0;
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size() || port > 65535) {
    return result;
  }
  std::string_view host = authority.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return result;  // a bare IPv6 address: all of it is the host
  }
  return {host, port};
}

std::string_view protocol_version(std::string_view protocol) {
  constexpr std::string_view kPrefix = "HTTP/";
  if (protocol.substr(0, kPrefix.size()) != kPrefix) return {};
  return protocol.substr(kPrefix.size());
}

namespace {

// The default schema: the fields of CONTRACT.md, absent values null.
void append_centinela_line(std::string& out, const AccessLogRecord& record,
                           const AccessLogFormat& format) {
  out.append("{\"ts\":\"");
  append_rfc3339_ms(out, record.start);
  out.push_back('"');
  append_string_field(out, "request_id", record.request_id);
  append_string_field(out, "trace_id", record.trace_id);
  append_string_field(out, "client_ip", record.client_ip);
  append_string_field(out, "user", record.user);
  append_string_field(out, "method", record.method);
  append_string_field(out, "path", record.path);
  append_field_name(out, "query");
  if (record.query.empty()) {
    out.append("null");
  } else {
    out.push_back('"');
    append_redacted_query_json(out, record.query, format.redact_query_params);
    out.push_back('"');
  }
  append_uint_field(out, "status", record.status);
  append_uint_field(out, "bytes_sent", record.bytes_sent);
  append_ms_field(out, "duration_ms", record.duration_ms);
  append_ms_field(out, "upstream_ms", record.upstream_ms);
  append_string_field(out, "route", record.route);
  append_string_field(out, "upstream", record.upstream);
  append_string_field(out, "upstream_addr", record.upstream_addr);
  append_field_name(out, "upstream_status");
  if (record.upstream_status == 0) {
    out.append("null");
  } else {
    append_uint_value(out, record.upstream_status);
  }
  append_string_field(out, "error", record.error);
  append_string_field(out, "host", record.host);
  append_string_field(out, "protocol", record.protocol);
  if (!record.tls_version.empty()) {
    append_string_field(out, "tls_version", record.tls_version);
    append_string_field(out, "tls_cipher", record.tls_cipher);
    if (!record.tls_sni.empty()) append_string_field(out, "tls_sni", record.tls_sni);
  }
  append_uint_field(out, "bytes_received", record.bytes_received);
  append_string_field(out, "span_id", record.span_id);
  append_field_name(out, "referer");
  if (record.referer.empty()) {
    out.append("null");
  } else {
    out.push_back('"');
    append_redacted_referer_json(out, record.referer, format);
    out.push_back('"');
  }
  append_string_field(out, "cache", record.cache);
  append_string_field(out, "ratelimit", record.ratelimit);
  if (!record.threat.empty()) append_string_field(out, "threat", record.threat);
  append_string_field(out, "speed",
                      to_string(classify_speed(speed_basis_ms(record), format.slow_request)));
  append_string_field(out, "user_agent", logged_user_agent(record, format));
  if (!record.waf_action.empty()) {
    append_field_name(out, "waf_score");
    char text[12];
    out.append(text, std::to_chars(text, text + sizeof text, record.waf_score).ptr);
    append_string_field(out, "waf_action", record.waf_action);
  }
  // A WAF block's or detection's, or a ban's (no WAF ran for that request).
  if (!record.incident_id.empty()) append_string_field(out, "incident_id", record.incident_id);
  if (!record.origin_timing.empty()) {
    append_field_name(out, "origin_timing");
    append_origin_timing_value(out, record.origin_timing);
  }
  if (record.tunnel) {
    append_ms_field(out, "handshake_ms", record.handshake_ms);
    append_uint_field(out, "tunnel_bytes_in", record.tunnel_bytes_in);
    append_uint_field(out, "tunnel_bytes_out", record.tunnel_bytes_out);
  }
  out.append("}\n");
}

}  // namespace

void append_access_line(std::string& out, const AccessLogRecord& record,
                        const AccessLogFormat& format) {
  switch (format.schema) {
    case config::AccessLogSchema::ecs:
      append_ecs_line(out, record, format);
      return;
    case config::AccessLogSchema::otel:
      append_otel_line(out, record, format);
      return;
    case config::AccessLogSchema::centinela:
      break;
  }
  append_centinela_line(out, record, format);
}

void append_slow_request_warning(std::string& out, const AccessLogRecord& record, Speed speed,
                                 std::chrono::system_clock::time_point now) {
  append_event_prefix(out, now, Level::warn, "slow request");
  append_string_field(out, "speed", to_string(speed));
  append_string_field(out, "request_id", record.request_id);
  append_string_field(out, "trace_id", record.trace_id);
  append_string_field(out, "method", record.method);
  append_string_field(out, "path", record.path);
  append_string_field(out, "route", record.route);
  append_string_field(out, "upstream", record.upstream);
  append_uint_field(out, "status", record.status);
  append_ms_field(out, "duration_ms", record.duration_ms);
  append_ms_field(out, "upstream_connect_ms", record.upstream_connect_ms);
  append_ms_field(out, "upstream_response_ms", record.upstream_response_ms);
  append_ms_field(out, "upstream_ms", record.upstream_ms);
  if (!record.origin_timing.empty()) {
    append_field_name(out, "origin_timing");
    append_origin_timing_value(out, record.origin_timing);
  }
  out.append("}\n");
}

}  // namespace centinela::observe
