// Rewriting of message heads as they cross the gateway: hop-by-hop fields go,
// forwarding fields (X-Forwarded-*, Via) and ids are added.
#pragma once

#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>

#include "stage/request_context.h"

namespace centinela::proxy {

namespace http = boost::beast::http;
using RequestHead = stage::RequestHead;
using ResponseHead = http::response_header<http::fields>;

// Removes the hop-by-hop fields of RFC 9110 §7.6.1 and every field named in
// `Connection`.
void strip_hop_by_hop(http::fields& fields);

struct ForwardingInfo {
  std::string_view peer_ip;      // the address that connected to us
  bool peer_is_trusted = false;  // may it tell us about earlier hops?
  std::string_view proto = "http";
  std::string_view request_id;
  std::string_view traceparent;
  std::string_view host_override;  // upstream `host:`; empty keeps the client's Host
};

// Turns the client's request head into the one sent upstream: hop-by-hop
// fields go, and the forwarding fields (X-Forwarded-*, Via, X-Request-ID,
// traceparent) are appended to `lines` as "Name: value\r\n" for the head
// writer, rather than stored in `head` (no allocation per field).
void prepare_upstream_request(RequestHead& head, const ForwardingInfo& info, std::string& lines);

// The same with the forwarding fields set in `head`.
void prepare_upstream_request(RequestHead& head, const ForwardingInfo& info);

// Prepares an upstream response head for the client (in place).
void prepare_client_response(ResponseHead& head, std::string_view request_id);

}  // namespace centinela::proxy
