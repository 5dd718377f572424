#include "proxy/forward_headers.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/rfc7230.hpp>
#include <string>

#include "http/field_lines.h"
#include "http/head_writer.h"
#include "stage/upstream_request.h"

namespace centinela::proxy {
namespace {

constexpr std::array<http::field, 8> kHopByHop = {
    http::field::connection,       http::field::keep_alive,
    http::field::proxy_connection, http::field::te,
    http::field::trailer,          http::field::transfer_encoding,
    http::field::upgrade,          http::field::proxy_authenticate,
};

constexpr std::string_view kVia = "1.1 centinela";

// Fields a `Connection` option may not remove: the message's own framing
// and target host, and the fields the gateway writes itself (RFC 9110 §7.6.1
// lets an intermediary refuse to remove what it must forward). Otherwise
// "Connection: close, host" would send the upstream a request without the
// Host the cache keyed it under.
bool is_protected_from_connection(std::string_view name) {
  static constexpr std::string_view kProtected[] = {
      "host", "content-length", "transfer-encoding", "connection", "forwarded",
      "via",  "x-request-id",   "traceparent",       "tracestate",
  };
  for (std::string_view protected_name : kProtected) {
    if (boost::beast::iequals(name, protected_name)) return true;
  }
  constexpr std::string_view kForwardedPrefix = "x-forwarded-";
  return name.size() >= kForwardedPrefix.size() &&
         boost::beast::iequals(name.substr(0, kForwardedPrefix.size()), kForwardedPrefix);
}

}  // namespace

void strip_hop_by_hop(http::fields& fields) {
  // Fields listed in Connection are hop-by-hop too. The tokens are views
  // into the Connection lines, which stay in place until the pass below
  // (Connection itself is protected); Beast keeps lines of one name next to
  // each other, and the next one is looked up only after the erasing, as it
  // may be a field a token names.
  for (auto it = fields.find(http::field::connection);
       it != fields.end() && it->name() == http::field::connection; ++it) {
    for (const auto token : http::token_list{it->value()}) {
      if (!is_protected_from_connection(token)) fields.erase(token);
    }
  }
  // One pass over the (few) fields instead of a lookup per hop-by-hop name.
  for (auto it = fields.begin(); it != fields.end();) {
    const http::field f = it->name();
    if (f != http::field::unknown &&
        std::find(kHopByHop.begin(), kHopByHop.end(), f) != kHopByHop.end()) {
      it = fields.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {

void append_line(std::string& out, std::string_view name, std::string_view value) {
  centinela::http::append_field_line(out, name, value);
}

// Fields of the client's that never reach the upstream as they are: the
// framing (re-derived), Expect (the gateway answers it), and the forwarding
// fields the gateway writes itself.
bool replaced_when_forwarding(const http::fields::value_type& field, bool keep_proto,
                              bool keep_forwarded_host) {
  switch (field.name()) {
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::expect:
    case http::field::via:
      return true;
    case http::field::unknown:
      break;
    default:
      return false;
  }
  const std::string_view name = field.name_string();
  if (boost::beast::iequals(name, "X-Forwarded-For") || boost::beast::iequals(name, "X-Request-ID") ||
      boost::beast::iequals(name, "traceparent")) {
    return true;
  }
  if (boost::beast::iequals(name, "X-Forwarded-Proto")) return !keep_proto;
  if (boost::beast::iequals(name, "X-Forwarded-Host")) return !keep_forwarded_host;
  return false;
}

// "Name: a, b, ..., last\r\n" with every earlier value of `name` first
// when `keep_earlier`.
void append_chained(std::string& out, const RequestHead& request, std::string_view name,
                    bool keep_earlier, std::string_view last) {
  out += name;
  out += ": ";
  if (keep_earlier) {
    const auto [first, end] = request.equal_range(name);
    for (auto it = first; it != end; ++it) {
      out.append(it->value().data(), it->value().size());
      out += ", ";
    }
  }
  out += last;
  out += "\r\n";
}

}  // namespace

void prepare_upstream_request(RequestHead& head, const ForwardingInfo& info, std::string& lines) {
  strip_hop_by_hop(head);
  head.version(11);

  // X-Forwarded-For: earlier hops are believed only when a trusted proxy
  // reports them; the connecting peer is always the last.
  lines += "X-Forwarded-For: ";
  const auto [xff_first, xff_last] = head.equal_range("X-Forwarded-For");
  if (xff_first != xff_last) {
    if (info.peer_is_trusted) {
      for (auto it = xff_first; it != xff_last; ++it) {
        lines.append(it->value().data(), it->value().size());
        lines += ", ";
      }
    }
    head.erase("X-Forwarded-For");
  }
  lines += info.peer_ip;
  lines += "\r\n";

  // X-Forwarded-Proto / -Host: a trusted proxy's own values are kept.
  const auto proto = head.find("X-Forwarded-Proto");
  if (!info.peer_is_trusted || proto == head.end()) {
    if (proto != head.end()) head.erase("X-Forwarded-Proto");
    centinela::http::append_field_line(lines, "X-Forwarded-Proto", info.proto);
  }
  const auto forwarded_host = head.find("X-Forwarded-Host");
  if (!info.peer_is_trusted || forwarded_host == head.end()) {
    if (forwarded_host != head.end()) head.erase("X-Forwarded-Host");
    const auto host = head.find(http::field::host);
    if (host != head.end())
      centinela::http::append_field_line(lines, "X-Forwarded-Host", host->value());
  }
  if (!info.host_override.empty()) head.set(http::field::host, info.host_override);

  // Every earlier hop is kept (RFC 9110 §7.6.3), however many lines carry them.
  lines += "Via: ";
  const auto [via_first, via_last] = head.equal_range(http::field::via);
  if (via_first != via_last) {
    for (auto it = via_first; it != via_last; ++it) {
      lines.append(it->value().data(), it->value().size());
      lines += ", ";
    }
    head.erase(http::field::via);
  }
  lines += kVia;
  lines += "\r\n";

  if (head.find("X-Request-ID") != head.end()) head.erase("X-Request-ID");
  centinela::http::append_field_line(lines, "X-Request-ID", info.request_id);
  if (head.find("traceparent") != head.end()) head.erase("traceparent");
  centinela::http::append_field_line(lines, "traceparent", info.traceparent);
}

void append_upstream_head(const RequestHead& request, const stage::UpstreamRequest& edits,
                          const ForwardingInfo& info, std::string& out) {
  centinela::http::append_request_line(
      out, edits.method().empty() ? std::string_view(request.method_string()) : edits.method(),
      edits.target().empty() ? std::string_view(request.target()) : edits.target());
  // X-Forwarded-Proto / -Host: a trusted proxy's own values are kept.
  const bool keep_proto =
      info.peer_is_trusted && request.find("X-Forwarded-Proto") != request.end();
  const bool keep_forwarded_host =
      info.peer_is_trusted && request.find("X-Forwarded-Host") != request.end();
  std::string_view host;
  for (const auto& field : request) {
    if (field.name() == http::field::host) host = field.value();
    if (replaced_when_forwarding(field, keep_proto, keep_forwarded_host)) continue;
    if (field.name() == http::field::host && !info.host_override.empty()) continue;
    if (!edits.empty() && edits.overrides(field.name_string())) continue;
    append_line(out, field.name_string(), field.value());
  }
  if (!info.host_override.empty() && !edits.overrides("Host")) {
    append_line(out, "Host", info.host_override);
  }
  edits.for_each_set([&out](std::string_view name, std::string_view value) {
    append_line(out, name, value);
  });
  // X-Forwarded-For: earlier hops are believed only when a trusted proxy
  // reports them; the connecting peer is always the last.
  append_chained(out, request, "X-Forwarded-For", info.peer_is_trusted, info.peer_ip);
  if (!keep_proto) append_line(out, "X-Forwarded-Proto", info.proto);
  if (!keep_forwarded_host && !host.empty()) append_line(out, "X-Forwarded-Host", host);
  // Every earlier hop is kept (RFC 9110 §7.6.3), however many lines carry them.
  append_chained(out, request, "Via", true, kVia);
  append_line(out, "X-Request-ID", info.request_id);
  append_line(out, "traceparent", info.traceparent);
}

void prepare_upstream_request(RequestHead& head, const ForwardingInfo& info) {
  std::string lines;
  prepare_upstream_request(head, info, lines);
  // Fold the lines back into the head (the hot path writes them directly).
  std::string_view rest = lines;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    const auto colon = line.find(": ");
    head.set(line.substr(0, colon), line.substr(colon + 2));
    rest.remove_prefix(end + 2);
  }
}

void prepare_client_response(ResponseHead& head, std::string_view request_id) {
  strip_hop_by_hop(head);
  head.set("X-Request-ID", request_id);
}

}  // namespace centinela::proxy
