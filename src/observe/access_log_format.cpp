#include "observe/access_log_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "config/percent_encoding.h"
#include "observe/event_log.h"
#include "observe/json_escape.h"
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

void append_field_name(std::string& out, std::string_view name) {
  // One append per field name: this runs ~18 times per logged request.
  char text[48];
  if (name.size() + 4 > sizeof text) {
    out.append(",\"").append(name).append("\":");
    return;
  }
  text[0] = ',';
  text[1] = '"';
  std::memcpy(text + 2, name.data(), name.size());
  text[name.size() + 2] = '"';
  text[name.size() + 3] = ':';
  out.append(text, name.size() + 4);
}

void append_string_field(std::string& out, std::string_view name, std::string_view value) {
  append_field_name(out, name);
  append_json_string_or_null(out, value);
}

// Milliseconds with microsecond precision; negative (not measured) or
// non-finite values are null.
void append_ms_field(std::string& out, std::string_view name, double ms) {
  append_field_name(out, name);
  if (!std::isfinite(ms) || ms < 0 || ms > 1e12) {
    out.append("null");
    return;
  }
  // Integer microseconds printed as ms.mmm: float formatting costs ~10x more.
  const auto us = static_cast<std::uint64_t>(ms * 1000.0 + 0.5);
  char text[32];
  char* end = std::to_chars(text, text + 24, us / 1000).ptr;
  const auto fraction = static_cast<unsigned>(us % 1000);
  end[0] = '.';
  end[1] = static_cast<char>('0' + fraction / 100);
  end[2] = static_cast<char>('0' + fraction / 10 % 10);
  end[3] = static_cast<char>('0' + fraction % 10);
  out.append(text, end + 4);
}

void append_uint_field(std::string& out, std::string_view name, std::uint64_t value) {
  append_field_name(out, name);
  // to_chars and one append: fmt's back_inserter pushes a character at a time.
  char text[24];
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
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
  format.redact_user_agent = std::find(cfg.redact.headers.begin(), cfg.redact.headers.end(),
                                       "user-agent") != cfg.redact.headers.end();
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

void append_access_line(std::string& out, const AccessLogRecord& record,
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
  append_string_field(out, "cache", record.cache);
  append_string_field(out, "ratelimit", record.ratelimit);
  if (!record.threat.empty()) append_string_field(out, "threat", record.threat);
  append_string_field(out, "speed",
                      to_string(classify_speed(speed_basis_ms(record), format.slow_request)));
  append_string_field(
      out, "user_agent",
      format.redact_user_agent && !record.user_agent.empty() ? kRedacted : record.user_agent);
  if (!record.waf_action.empty()) {
    append_field_name(out, "waf_score");
    char text[12];
    out.append(text, std::to_chars(text, text + sizeof text, record.waf_score).ptr);
    append_string_field(out, "waf_action", record.waf_action);
    if (!record.incident_id.empty()) append_string_field(out, "incident_id", record.incident_id);
  }
  if (record.tunnel) {
    append_ms_field(out, "handshake_ms", record.handshake_ms);
    append_uint_field(out, "tunnel_bytes_in", record.tunnel_bytes_in);
    append_uint_field(out, "tunnel_bytes_out", record.tunnel_bytes_out);
  }
  out.append("}\n");
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
  out.append("}\n");
}

}  // namespace centinela::observe
