// A route's WebSocket tunnels in the metrics, and its cap on open tunnels:
// centinela_websocket_tunnels_active{route} (the gauge is the cap's count,
// shared by every worker and kept across reloads, so a reload does not
// reset it), centinela_websocket_tunnels_total{route,result} and
// centinela_websocket_bytes_total{route,direction}.
#pragma once

#include <cstdint>
#include <string>

namespace centinela::observe {
class Counter;
class Gauge;
}  // namespace centinela::observe

namespace centinela::proxy {

class TunnelMetrics {
 public:
  TunnelMetrics(const std::string& route_name, std::uint64_t max_tunnels);

  // A handshake takes a place under max_tunnels; false (counted as
  // `refused`) when the route has none left.
  bool reserve();
  // The place taken by reserve() is given back: the tunnel closed, or the
  // upstream did not accept the handshake (`rejected`).
  void release();
  void count_opened();
  void count_rejected();
  // Bytes a tunnel delivered: from the client to the upstream (`in`), and back (`out`).
  void count_bytes(std::uint64_t in, std::uint64_t out);

 private:
  double max_tunnels_;
  observe::Gauge* active_;
  observe::Counter* opened_;
  observe::Counter* refused_;
  observe::Counter* rejected_;
  observe::Counter* bytes_in_;
  observe::Counter* bytes_out_;
};

}  // namespace centinela::proxy
