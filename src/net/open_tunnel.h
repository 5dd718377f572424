// A WebSocket handshake the upstream accepted and whose 101 went to the
// client: what its tunnel needs once the request's slot has gone back to the
// worker's pool (an open tunnel holds no per-request state), and the
// tunnel's run on the client connection (client_connection.cpp).
#pragma once

#include <memory>
#include <optional>

#include "net/asio_fwd.h"
#include "net/tunnel_record.h"

namespace centinela::proxy {
class Route;
class Runtime;
class TunnelMetrics;
}  // namespace centinela::proxy

namespace centinela::net {

struct ClientConnection;
class UpstreamConnection;

// A place under the route's max_tunnels, held from the handshake until the
// tunnel closes (or the handshake fails).
class TunnelPlace {
 public:
  explicit TunnelPlace(proxy::TunnelMetrics* metrics) : metrics_(metrics) {}
  TunnelPlace(TunnelPlace&& other) noexcept : metrics_(other.metrics_) { other.metrics_ = nullptr; }
  TunnelPlace& operator=(TunnelPlace&&) = delete;
  TunnelPlace(const TunnelPlace&) = delete;
  TunnelPlace& operator=(const TunnelPlace&) = delete;
  ~TunnelPlace();

 private:
  proxy::TunnelMetrics* metrics_;
};

struct OpenTunnel {
  OpenTunnel(const proxy::Route& tunnel_route, std::unique_ptr<UpstreamConnection> connection,
             TunnelPlace tunnel_place);
  ~OpenTunnel();
  OpenTunnel(const OpenTunnel&) = delete;
  OpenTunnel& operator=(const OpenTunnel&) = delete;

  // The configuration the tunnel started on: a reload never touches it.
  std::shared_ptr<const proxy::Runtime> runtime;
  const proxy::Route& route;
  TunnelPlace place;  // given back once the upstream connection closed
  std::unique_ptr<UpstreamConnection> upstream;
  beast::flat_buffer client_bytes;     // what the client sent after its handshake
  std::optional<TunnelRecord> record;  // its access-log line, written when it closes
};

// Relays until the tunnel ends, then writes its access-log line.
asio::awaitable<void> run_tunnel(ClientConnection& connection, OpenTunnel& tunnel);

}  // namespace centinela::net
