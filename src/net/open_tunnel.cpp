#include "net/open_tunnel.h"

#include "net/client_connection.h"
#include "net/tunnel.h"
#include "net/upstream_connection.h"
#include "proxy/route.h"
#include "proxy/tunnel_metrics.h"

namespace centinela::net {

TunnelPlace::~TunnelPlace() {
  if (metrics_ != nullptr) metrics_->release();
}

OpenTunnel::OpenTunnel(const proxy::Route& tunnel_route,
                       std::unique_ptr<UpstreamConnection> connection, TunnelPlace tunnel_place)
    : route(tunnel_route), place(std::move(tunnel_place)), upstream(std::move(connection)) {}

OpenTunnel::~OpenTunnel() = default;

asio::awaitable<void> run_tunnel(ClientConnection& c, OpenTunnel& t) {
  Tunnel tunnel(c.worker, TunnelSide{c.stream(), t.client_bytes},
                TunnelSide{t.upstream->socket(), t.upstream->buffer(), t.upstream->tls()},
                t.route.config().websocket.idle_timeout);
  const TunnelTotals totals = co_await tunnel.run();
  t.route.tunnels()->count_bytes(totals.client_to_upstream, totals.upstream_to_client);
  if (t.record) t.record->write(c.worker, totals);
}

}  // namespace centinela::net
