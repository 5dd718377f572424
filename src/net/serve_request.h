// One request on a client connection, from its first bytes to its access-log
// record: the head read and vetted (request_intake.h), the request routed
// (no route: 404; OPTIONS *: answered by the gateway), then run through the
// route's chain between the connection (Http1Downstream) and the route's
// upstream (UpstreamClient) by pipeline::run.
#pragma once

#include <memory>

#include "net/asio_fwd.h"

namespace centinela::net {

struct ClientConnection;
struct OpenTunnel;
struct RequestSlot;

enum class Served {
  keep_alive,                 // the next request may follow
  close,                      // the connection ends
  close_after_reading_input,  // ends, but unread input is drained first (no RST)
};

// The slot's buffer holds the request's first bytes (or will). A WebSocket
// handshake answered 101 leaves its tunnel in `tunnel`, to run once the
// slot is back in the pool (the connection then closes).
asio::awaitable<Served> serve_request(ClientConnection& connection, RequestSlot& slot,
                                      std::unique_ptr<OpenTunnel>& tunnel);

}  // namespace centinela::net
