#include "proxy/forward_headers.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/rfc7230.hpp>
#include <string>

#include "http/field_lines.h"

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
