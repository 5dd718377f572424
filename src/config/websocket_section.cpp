// A route's `websocket` key: a switch, or a map of the tunnel's limits.
#include "config/sections.h"

namespace centinela::config {
namespace {

constexpr std::uint64_t kMaxTunnelsBound = 10'000'000;

}  // namespace

void read_route_websocket(ErrorList& errors, const YAML::Node& node, const std::string& path,
                          WebSocketConfig& out) {
  if (node.IsScalar()) {
    if (is_switched_off(node)) {
      out.enabled = false;
    } else if (is_switched_on(node)) {
      out.enabled = true;
    } else {
      errors.add(node, path + ": expected true, false or a map {idle_timeout, max_tunnels}, got '" +
                           node.Scalar() + "'");
    }
    return;
  }
  MapFields fields(errors, node, path, {"enabled", "idle_timeout", "max_tunnels"});
  if (!fields.is_map()) return;
  // A map turns upgrades on unless it says otherwise.
  out.enabled = true;
  fields.read("enabled", out.enabled);
  fields.read_duration("idle_timeout", out.idle_timeout, /*must_be_positive=*/true);
  fields.read("max_tunnels", out.max_tunnels, 1, kMaxTunnelsBound);
}

}  // namespace centinela::config
