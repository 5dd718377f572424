// Message heads as they cross the gateway: hop-by-hop fields go, and the
// request the upstream receives is written with the forwarding fields
// (X-Forwarded-*, Via) and ids.
#pragma once

#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>

#include "stage/request_context.h"

namespace centinela::stage {
class UpstreamRequest;
}

namespace centinela::proxy {

namespace http = boost::beast::http;
using RequestHead = stage::RequestHead;
using ResponseHead = http::response_header<http::fields>;

// Removes the hop-by-hop fields of RFC 9110 §7.6.1 and every field named in
// `Connection`.
void strip_hop_by_hop(http::fields& fields);

// Whether a field named in `Connection` must be kept all the same: the
// message's framing and target host, and the fields the gateway writes.
bool is_protected_from_connection(std::string_view name);

struct ForwardingInfo {
  std::string_view peer_ip;      // the address that connected to us
  bool peer_is_trusted = false;  // may it tell us about earlier hops?
  std::string_view proto = "http";
  std::string_view request_id;
  std::string_view traceparent;
  std::string_view host_override;  // upstream `host:`; empty keeps the client's Host
};

// The head the upstream receives, up to its framing lines (the caller adds
// those, derived from the body it sends): the request line with the stages'
// overrides; the client's fields, except the framing, Expect, those the
// stages replace or remove, and the forwarding fields the gateway writes
// itself; the stages' own fields; then X-Forwarded-*, Via, X-Request-ID and
// traceparent. The client's request (hop-by-hop fields already gone) is
// left as it is.
void append_upstream_head(const RequestHead& request, const stage::UpstreamRequest& edits,
                          const ForwardingInfo& info, std::string& out);

}  // namespace centinela::proxy
