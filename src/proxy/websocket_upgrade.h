// Which messages open a WebSocket tunnel (RFC 6455 §4): the client's
// handshake, and the upstream's 101 that accepts it. Anything else that asks
// to upgrade (h2c, other protocols, a body, HTTP/1.0) is an ordinary request
// whose Upgrade the hop-by-hop filter drops.
#pragma once

#include "http/response_head.h"
#include "proxy/forward_headers.h"

namespace centinela::proxy {

// A GET over HTTP/1.1 without a body, whose Connection lists `upgrade` and
// whose Upgrade lists `websocket` (tokens case-insensitive). Called before
// the hop-by-hop fields are removed.
bool is_websocket_handshake(const RequestHead& request);

// A 101 whose Upgrade lists `websocket` (among the lines the parse kept).
bool accepts_websocket(const centinela::http::ResponseHead& response);

// The lines the upstream request carries instead of the client's
// hop-by-hop Connection and Upgrade.
inline constexpr std::string_view kUpgradeLines = "Connection: Upgrade\r\nUpgrade: websocket\r\n";

}  // namespace centinela::proxy
