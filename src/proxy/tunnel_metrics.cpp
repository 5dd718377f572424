#include "proxy/tunnel_metrics.h"

#include "observe/metrics.h"

namespace centinela::proxy {
namespace {

observe::Counter& tunnels_total(const std::string& route, const char* result) {
  return observe::Registry::global().counter(
      "centinela_websocket_tunnels_total",
      "WebSocket handshakes by what became of them: opened (101 relayed), refused (the route's "
      "max_tunnels), rejected (the upstream did not answer 101)",
      {{"route", route}, {"result", result}});
}

observe::Counter& bytes_total(const std::string& route, const char* direction) {
  return observe::Registry::global().counter(
      "centinela_websocket_bytes_total", "Bytes relayed through WebSocket tunnels, by direction",
      {{"route", route}, {"direction", direction}});
}

}  // namespace

TunnelMetrics::TunnelMetrics(const std::string& route_name, std::uint64_t max_tunnels)
    : max_tunnels_(static_cast<double>(max_tunnels)),
      active_(&observe::Registry::global().gauge(
          "centinela_websocket_tunnels_active", "WebSocket tunnels open (and handshakes under way)",
          {{"route", route_name}})),
      opened_(&tunnels_total(route_name, "opened")),
      refused_(&tunnels_total(route_name, "refused")),
      rejected_(&tunnels_total(route_name, "rejected")),
      bytes_in_(&bytes_total(route_name, "client_to_upstream")),
      bytes_out_(&bytes_total(route_name, "upstream_to_client")) {}

bool TunnelMetrics::reserve() {
  if (active_->add_one_below(max_tunnels_)) return true;
  refused_->inc();
  return false;
}

void TunnelMetrics::release() { active_->add(-1); }

void TunnelMetrics::count_opened() { opened_->inc(); }

void TunnelMetrics::count_rejected() { rejected_->inc(); }

void TunnelMetrics::count_bytes(std::uint64_t in, std::uint64_t out) {
  if (in != 0) bytes_in_->inc(in);
  if (out != 0) bytes_out_->inc(out);
}

}  // namespace centinela::proxy
