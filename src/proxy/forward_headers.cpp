#include "proxy/forward_headers.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/rfc7230.hpp>
#include <string>
#include <vector>

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

void strip_hop_by_hop(http::fields& fields) {
  // Fields listed in Connection are hop-by-hop too; collect before erasing.
  auto connection = fields.equal_range(http::field::connection);
  if (connection.first != connection.second) {
    std::vector<std::string> named;
    for (auto it = connection.first; it != connection.second; ++it) {
      for (auto token : http::token_list{it->value()}) named.emplace_back(token);
    }
    for (const auto& name : named) fields.erase(name);
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

void prepare_upstream_request(RequestHead& head, const ForwardingInfo& info) {
  strip_hop_by_hop(head);
  head.version(11);

  std::string forwarded_for;
  if (info.peer_is_trusted) {
    // Earlier hops are believed only when a trusted proxy reports them.
    const auto [first, last] = head.equal_range("X-Forwarded-For");
    for (auto it = first; it != last; ++it) {
      if (!forwarded_for.empty()) forwarded_for += ", ";
      forwarded_for.append(it->value().data(), it->value().size());
    }
  }
  if (!forwarded_for.empty()) forwarded_for += ", ";
  forwarded_for += info.peer_ip;
  head.set("X-Forwarded-For", forwarded_for);

  if (!info.peer_is_trusted || head.find("X-Forwarded-Proto") == head.end()) {
    head.set("X-Forwarded-Proto", info.proto);
  }
  auto host = head.find(http::field::host);
  if (!info.peer_is_trusted || head.find("X-Forwarded-Host") == head.end()) {
    if (host != head.end()) {
      head.set("X-Forwarded-Host", host->value());
    } else {
      head.erase("X-Forwarded-Host");
    }
  }
  if (!info.host_override.empty()) head.set(http::field::host, info.host_override);

  // Every earlier hop is kept (RFC 9110 §7.6.3), however many lines carry them.
  std::string via;
  const auto [via_first, via_last] = head.equal_range(http::field::via);
  for (auto it = via_first; it != via_last; ++it) {
    via.append(it->value().data(), it->value().size());
    via += ", ";
  }
  via += kVia;
  head.set(http::field::via, via);
  head.set("X-Request-ID", info.request_id);
  head.set("traceparent", info.traceparent);
}

void prepare_client_response(ResponseHead& head, std::string_view request_id) {
  strip_hop_by_hop(head);
  head.set("X-Request-ID", request_id);
}

}  // namespace centinela::proxy
