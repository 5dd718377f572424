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

}  // namespace

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
  if (boost::beast::iequals(name, "X-Forwarded-For") ||
      boost::beast::iequals(name, "X-Request-ID") || boost::beast::iequals(name, "traceparent")) {
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
    centinela::http::append_field_line(out, field.name_string(), field.value());
  }
  if (!info.host_override.empty() && !edits.overrides("Host")) {
    centinela::http::append_field_line(out, "Host", info.host_override);
  }
  edits.for_each_set([&out](std::string_view name, std::string_view value) {
    centinela::http::append_field_line(out, name, value);
  });
  // X-Forwarded-For: earlier hops are believed only when a trusted proxy
  // reports them; the connecting peer is always the last.
  append_chained(out, request, "X-Forwarded-For", info.peer_is_trusted, info.peer_ip);
  if (!keep_proto) centinela::http::append_field_line(out, "X-Forwarded-Proto", info.proto);
  if (!keep_forwarded_host && !host.empty())
    centinela::http::append_field_line(out, "X-Forwarded-Host", host);
  // Every earlier hop is kept (RFC 9110 §7.6.3), however many lines carry them.
  append_chained(out, request, "Via", true, kVia);
  centinela::http::append_field_line(out, "X-Request-ID", info.request_id);
  centinela::http::append_field_line(out, "traceparent", info.traceparent);
}

}  // namespace centinela::proxy
