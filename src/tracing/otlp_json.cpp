#include "tracing/otlp_json.h"

#include "observe/json_escape.h"
#include "observe/json_fields.h"

namespace centinela::tracing {
namespace {

constexpr int kKindServer = 2, kKindClient = 3;
constexpr int kStatusError = 2;

std::string_view id_text(const auto& id) { return {id.data(), id.size()}; }
bool is_set(const SpanId& id) { return id[0] != 0; }

// The members of one span's attribute list, comma-separated.
class Attributes {
 public:
  explicit Attributes(std::string& out) : out_(out) { out_.append("\"attributes\":["); }
  ~Attributes() { out_.push_back(']'); }
  Attributes(const Attributes&) = delete;
  Attributes& operator=(const Attributes&) = delete;

  // Empty texts are left out, as the access log's otel format does.
  void text(std::string_view key, std::string_view value) {
    if (value.empty()) return;
    open(key);
    out_.append("{\"stringValue\":");
    observe::append_json_string(out_, value);
    out_.append("}}");
  }
  void integer(std::string_view key, std::uint64_t value) {
    open(key);
    out_.append("{\"intValue\":\"");
    observe::append_uint_value(out_, value);
    out_.append("\"}}");
  }
  // The value already JSON-escaped into the string by `write`.
  template <typename Write>
  void escaped_text(std::string_view key, Write write) {
    open(key);
    out_.append("{\"stringValue\":\"");
    write(out_);
    out_.append("\"}}");
  }

 private:
  void open(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.append("{\"key\":");
    observe::append_json_string(out_, key);
    out_.append(",\"value\":");
  }

  std::string& out_;
  bool first_ = true;
};

void append_nanos(std::string& out, std::string_view name, std::uint64_t nanos) {
  out.push_back('"');
  out.append(name);
  out.append("\":\"");
  observe::append_uint_value(out, nanos);
  out.append("\",");
}

// The members every span has, up to its attributes.
void open_span(std::string& out, const SpanRecord& r, const SpanId& id, const SpanId& parent,
               std::string_view name, int kind, std::uint64_t start, std::uint64_t end) {
  out.append("{\"traceId\":\"");
  out.append(id_text(r.trace_id));
  out.append("\",\"spanId\":\"");
  out.append(id_text(id));
  out.push_back('"');
  if (is_set(parent)) {
    out.append(",\"parentSpanId\":\"");
    out.append(id_text(parent));
    out.push_back('"');
  }
  out.append(",\"name\":");
  observe::append_json_string(out, name);
  out.append(",\"kind\":");
  observe::append_uint_value(out, static_cast<unsigned>(kind));
  out.push_back(',');
  append_nanos(out, "startTimeUnixNano", start);
  append_nanos(out, "endTimeUnixNano", end);
}

void close_span(std::string& out, bool error) {
  if (error) {
    out.append(",\"status\":{\"code\":");
    observe::append_uint_value(out, kStatusError);
    out.push_back('}');
  }
  out.push_back('}');
}

void add_server_attributes(std::string& out, const SpanRecord& r,
                           const observe::AccessLogFormat& redaction) {
  Attributes a(out);
  a.text("http.request.method", r.method.view());
  a.text("url.path", r.path.view());
  if (!r.query.empty()) {
    a.escaped_text("url.query", [&](std::string& to) {
      observe::append_redacted_query_json(to, r.query.view(), redaction.redact_query_params);
    });
  }
  a.text("url.scheme", r.protocol.empty() ? "" : r.tls ? "https" : "http");
  a.text("http.route", r.route.view());
  if (r.status != 0) a.integer("http.response.status_code", r.status);
  a.text("client.address", r.client_ip.view());
  const observe::HostAndPort authority = observe::split_authority(r.host.view());
  a.text("server.address", authority.host);
  if (authority.port != 0) a.integer("server.port", authority.port);
  if (!r.protocol.empty()) {
    a.text("network.protocol.name", "http");
    a.text("network.protocol.version", r.protocol.view());
  }
  const bool redact_agent = redaction.redact_user_agent && !r.user_agent.empty();
  a.text("user_agent.original", redact_agent ? observe::kRedacted : r.user_agent.view());
  a.text("user.name", r.user.view());
  a.text("error.type", r.status >= 500 ? r.error.view() : std::string_view());
  a.text("centinela.request_id", r.request_id.view());
  a.text("centinela.route", r.route.view());
  a.text("centinela.cache", r.cache.view());
  a.text("centinela.ratelimit", r.ratelimit.view());
  a.text("centinela.waf.action", r.waf_action.view());
  a.text("centinela.threat", r.threat.view());
}

// An upstream answer of 4xx or 5xx, or none at all, is the call's failure.
bool client_failed(const SpanRecord& r) {
  return r.upstream_status == 0 || r.upstream_status >= 400;
}

void add_client_attributes(std::string& out, const SpanRecord& r) {
  Attributes a(out);
  a.text("http.request.method", r.method.view());
  const observe::HostAndPort server = observe::split_authority(r.upstream_address.view());
  a.text("server.address", server.host);
  if (server.port != 0) a.integer("server.port", server.port);
  if (r.upstream_status != 0) a.integer("http.response.status_code", r.upstream_status);
  if (client_failed(r)) {
    a.text("error.type", !r.error.empty()         ? r.error.view()
                         : r.upstream_status != 0 ? std::string_view("http_error")
                                                  : std::string_view("no_response"));
  }
  a.text("centinela.upstream.name", r.upstream.view());
}

// "GET api": the method and the route, as the conventions name server spans
// after the method and the route template.
void append_span_name(std::string& name, const SpanRecord& r) {
  name.assign(r.method.view());
  if (!r.route.empty()) {
    name.push_back(' ');
    name.append(r.route.view());
  }
}

}  // namespace

void OtlpJsonEncoder::begin(std::string& out, std::string_view service_name) {
  spans_ = 0;
  out.clear();
  out.append(
      "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
      "\"value\":{\"stringValue\":");
  observe::append_json_string(out, service_name);
  out.append("}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"centinela\"},\"spans\":[");
}

void OtlpJsonEncoder::add(std::string& out, const SpanRecord& r,
                          const observe::AccessLogFormat& redaction) {
  thread_local std::string name;
  append_span_name(name, r);
  if (spans_ > 0) out.push_back(',');
  open_span(out, r, r.span_id, r.parent_id, name, kKindServer, r.start_ns, r.end_ns);
  add_server_attributes(out, r, redaction);
  close_span(out, r.status >= 500);
  ++spans_;
  if (!is_set(r.client_span_id)) return;
  out.push_back(',');
  open_span(out, r, r.client_span_id, r.span_id, r.method.view(), kKindClient, r.client_start_ns,
            r.client_end_ns);
  add_client_attributes(out, r);
  close_span(out, client_failed(r));
  ++spans_;
}

void OtlpJsonEncoder::end(std::string& out) { out.append("]}]}]}"); }

}  // namespace centinela::tracing
