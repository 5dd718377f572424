// The protocol-neutral part of serving one request: from an accepted,
// vetted head to the response sent, whatever carried the request (an
// HTTP/1.1 connection, serve_request.h; an HTTP/2 stream, h2_stream.h).
// Here the client's identity, request id and trace are settled, the banned
// client and OPTIONS * are answered, the request is routed and run through
// the route's chain. The protocol side only reads and vets heads and
// implements the downstream (stage/downstream.h).
#pragma once

#include <memory>
#include <string_view>

#include "http/body_decoder.h"
#include "http/request_head.h"
#include "net/asio_fwd.h"
#include "net/http1_downstream.h"

namespace centinela::config {
struct ServerConfig;
}
namespace centinela::proxy {
class Route;
class Runtime;
}  // namespace centinela::proxy
namespace centinela::stage {
struct RequestContext;
}

namespace centinela::net {

struct ClientConnection;
class DeadlineWatch;
struct RequestOutcome;
struct RequestSlot;
class TunnelPlace;
class UpstreamClient;
class Worker;

// What the neutral part asks of the protocol that carries the request.
class ClientSide {
 public:
  virtual ~ClientSide() = default;
  // The downstream the request is answered through, made on the first call.
  // `client`: what a response writer must know of the request.
  virtual stage::Downstream& downstream(const ClientRequest& client) = 0;
  // After the exchange: the status sent, bytes sent and received.
  virtual void report(RequestOutcome& outcome) const = 0;
  // A WebSocket handshake the route granted, answered by the upstream: the
  // tunnel is opened (it runs once the request is recorded and its slot is
  // back), on the protocols that have one; `place` goes with it. Elsewhere
  // nothing (the place is given back when the request ends).
  virtual void open_tunnel(const proxy::Route& route, UpstreamClient& upstream, TunnelPlace& place,
                           RequestOutcome& outcome);
};

// One request being served.
struct Exchange {
  Worker& worker;
  RequestSlot& slot;
  DeadlineWatch& watch;  // what the upstream's waits arm
  ClientSide& side;
};

// What the connection knows of one accepted request.
struct Accepted {
  ClientRequest client;
  centinela::http::BodyDecoder body;
  std::string_view host;  // lower-case, without port: what routes match
};

// The request's context before its head is read: who asks, on which worker,
// over which TLS session.
stage::RequestContext& begin_context(ClientConnection& connection, RequestSlot& slot);

// From an accepted head: the client's IP (through trusted proxies), the
// request id (the client's when sane), the trace context and its sampling.
void identify_request(stage::RequestContext& ctx, const proxy::Runtime& runtime);

void assign_new_request_id(stage::RequestContext& ctx);

// An accepted head: answered by the gateway (a banned client, OPTIONS *, no
// route, a refused target) or routed and run. `outcome` holds the method,
// path, query, host and protocol on entry. To be awaited at once: the
// decision is taken at the call, and the coroutine returned refers to the
// arguments (the caller's).
asio::awaitable<void> dispatch(Exchange& exchange,
                               const std::shared_ptr<const proxy::Runtime>& runtime,
                               const centinela::http::VettedRequest& vetted, Accepted& accepted,
                               RequestOutcome& outcome);

// A head refused before it could be routed: the error through no stages.
asio::awaitable<void> refuse(Exchange& exchange, unsigned status, std::string_view reason,
                             RequestOutcome& outcome);

}  // namespace centinela::net
