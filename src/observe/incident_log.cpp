#include "observe/incident_log.h"

#include <fmt/format.h>

#include <algorithm>

#include "observe/access_log.h"
#include "observe/json_escape.h"
#include "observe/utc_time.h"

namespace centinela::observe {
namespace {

constexpr std::string_view kRedactedExcerpt = "[redacted]";

void append_string(std::string& out, std::string_view name, std::string_view value) {
  out.append(",\"").append(name).append("\":");
  append_json_string_or_null(out, value);
}

template <typename T>
void append_number(std::string& out, std::string_view name, T value) {
  fmt::format_to(std::back_inserter(out), R"(,"{}":{})", name, value);
}

// At most `bound` bytes, not ending inside a UTF-8 character.
std::string_view bounded(std::string_view text, std::size_t bound) {
  if (text.size() <= bound) return text;
  std::size_t cut = bound;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

// Whether a finding's target names something log.redact hides: a query or
// body parameter (also as the last part of a JSON name), a header, a cookie.
bool is_redacted(std::string_view target, const IncidentFormat& format) {
  const std::size_t colon = target.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view collection = target.substr(0, colon);
  std::string_view key = target.substr(colon + 1);
  key = key.substr(0, key.find('#'));  // a deep decoder's view: "ARGS:q#b64"
  if (collection == "ARGS" || collection == "ARGS_GET" || collection == "ARGS_POST") {
    const std::size_t dot = key.rfind('.');
    return contains(format.redact_query_params, key) ||
           (dot != std::string_view::npos &&
            contains(format.redact_query_params, key.substr(dot + 1)));
  }
  if (collection == "REQUEST_HEADERS") return contains(format.redact_headers, lower(key));
  if (collection == "REQUEST_COOKIES") return contains(format.redact_headers, "cookie");
  return false;
}

void append_finding(std::string& out, const IncidentFinding& finding,
                    const IncidentFormat& format) {
  fmt::format_to(std::back_inserter(out), R"({{"rule":{})", finding.rule);
  append_string(out, "source", finding.source);
  append_string(out, "msg", finding.msg);
  out.append(",\"tags\":[");
  for (std::size_t i = 0; i < finding.tags.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_json_string(out, finding.tags[i]);
  }
  out.push_back(']');
  append_string(out, "severity", finding.severity);
  append_number(out, "score", finding.score);
  append_string(out, "target", finding.target);
  out.append(",\"excerpt\":");
  if (is_redacted(finding.target, format)) {
    append_json_string(out, kRedactedExcerpt);
  } else {
    append_json_string(out, bounded(finding.excerpt, format.excerpt_bytes));
  }
  if (!finding.decoded.empty()) append_string(out, "decoded", finding.decoded);
  out.push_back('}');
}

}  // namespace

std::string_view excerpt_around(std::string_view value, std::size_t begin, std::size_t end,
                                std::size_t bound) {
  begin = std::min(begin, value.size());
  end = std::clamp(end, begin, value.size());
  const std::size_t before = std::min({begin, kExcerptContext, bound / 4});
  const std::size_t start = begin - before;
  const std::size_t stop = std::min({value.size(), end + kExcerptContext, start + bound});
  return value.substr(start, stop - start);
}

IncidentFormat make_incident_format(const config::WafConfig& waf, const config::LogConfig& log) {
  IncidentFormat format;
  format.excerpt_bytes = waf.incident_log.excerpt_bytes;
  format.redact_query_params = log.redact.query_params;
  format.redact_headers = log.redact.headers;
  const std::string& path = waf.incident_log.path;
  // Sharing the access log's stream or file: lines tell themselves apart.
  format.mark_shared_stream = path == "stdout" || path == "stderr" || path == log.access.path;
  return format;
}

void append_incident_line(std::string& out, const IncidentRecord& record,
                          const IncidentFormat& format) {
  out.append("{");
  if (format.mark_shared_stream) out.append(R"("log":"incident",)");
  out.append(R"("ts":")");
  append_rfc3339_ms(out, record.ts);
  out.push_back('"');
  append_string(out, "incident_id", record.incident_id);
  append_string(out, "request_id", record.request_id);
  append_string(out, "client_ip", record.client_ip);
  append_string(out, "user", record.user);
  append_string(out, "route", record.route);
  append_string(out, "method", record.method);
  append_string(out, "path", record.path);
  append_string(out, "action", record.action);
  append_string(out, "mode", record.mode);
  append_number(out, "score", record.score);
  append_number(out, "threshold", record.threshold);
  append_number(out, "paranoia", record.paranoia);
  out.append(",\"findings\":[");
  const std::size_t listed = std::min(record.findings.size(), kListedFindings);
  for (std::size_t i = 0; i < listed; ++i) {
    if (i > 0) out.push_back(',');
    append_finding(out, record.findings[i], format);
  }
  out.push_back(']');
  append_number(out, "findings_total", std::max(record.findings_total, record.findings.size()));
  if (record.ban) {
    fmt::format_to(std::back_inserter(out), R"(,"ban":{{"level":{},"until":")", record.ban->level);
    append_rfc3339_ms(out, record.ban->until);
    out.push_back('"');
    append_string(out, "signal", record.ban->signal);
    out.push_back('}');
  }
  out.append("}\n");
}

IncidentLog& IncidentLog::global() {
  static IncidentLog* log = new IncidentLog();  // never destroyed: workers may record late
  return *log;
}

void IncidentLog::configure(const config::WafConfig& waf, const config::LogConfig& log,
                            AccessLog* writer) {
  auto format = std::make_shared<const IncidentFormat>(make_incident_format(waf, log));
  std::lock_guard lock(mutex_);
  format_ = std::move(format);
  writer_ = writer;
}

void IncidentLog::detach() {
  std::lock_guard lock(mutex_);
  writer_ = nullptr;
}

void IncidentLog::record(const IncidentRecord& record) {
  std::shared_ptr<const IncidentFormat> format;
  AccessLog* writer = nullptr;
  {
    std::lock_guard lock(mutex_);
    format = format_;
    writer = writer_;
  }
  // The kept copy never has the stream mark: the admin view is JSON of its own.
  IncidentFormat unmarked = *format;
  unmarked.mark_shared_stream = false;
  Kept kept{std::string(record.client_ip), std::string(record.route), {}};
  append_incident_line(kept.line, record, unmarked);
  std::string line;
  if (format->mark_shared_stream) {
    line.reserve(kept.line.size() + 20);
    line.append(R"({"log":"incident",)").append(std::string_view(kept.line).substr(1));
  }
  if (writer != nullptr) writer->write_incident(format->mark_shared_stream ? line : kept.line);
  kept.line.pop_back();  // the newline
  std::lock_guard lock(mutex_);
  if (ring_.size() < kIncidentRing) {
    ring_.push_back(std::move(kept));
  } else {
    ring_[next_] = std::move(kept);
  }
  next_ = (next_ + 1) % kIncidentRing;
}

std::string IncidentLog::recent_json(std::size_t limit, std::string_view ip,
                                     std::string_view route) const {
  std::string out = R"({"incidents":[)";
  std::lock_guard lock(mutex_);
  std::size_t listed = 0;
  for (std::size_t i = 0; i < ring_.size() && listed < limit; ++i) {
    // Newest first: backwards from the slot last written.
    const Kept& kept = ring_[(next_ + kIncidentRing - 1 - i) % kIncidentRing];
    if (!ip.empty() && kept.client_ip != ip) continue;
    if (!route.empty() && kept.route != route) continue;
    if (listed++ > 0) out.push_back(',');
    out.append(kept.line);
  }
  out.append("]}");
  return out;
}

void IncidentLog::clear() {
  std::lock_guard lock(mutex_);
  ring_.clear();
  next_ = 0;
}

}  // namespace centinela::observe
