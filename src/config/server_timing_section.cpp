// A route's `server_timing` key: what clients get of the origin's
// Server-Timing field, and whether the gateway adds its own metrics.
#include <array>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

constexpr std::array<std::string_view, 3> kOriginModes = {"loopback", "pass", "strip"};

std::optional<ServerTimingConfig::Origin> origin_mode(std::string_view text) {
  if (text == "loopback") return ServerTimingConfig::Origin::loopback;
  if (text == "pass") return ServerTimingConfig::Origin::pass;
  if (text == "strip") return ServerTimingConfig::Origin::strip;
  return std::nullopt;
}

void read_origin(MapFields& fields, ServerTimingConfig& out) {
  const YAML::Node* node = fields.find("origin");
  if (node == nullptr) return;
  const auto text = read_string(fields.errors(), *node, fields.path_of("origin"));
  if (!text) return;
  const std::string lower = ascii_lower(*text);
  if (const auto mode = origin_mode(lower)) {
    out.origin = *mode;
    return;
  }
  fields.errors().add(*node, fields.path_of("origin") +
                                 ": expected loopback, pass or strip, got '" + *text + "'" +
                                 did_you_mean(lower, {kOriginModes.begin(), kOriginModes.end()}));
}

}  // namespace

std::string_view origin_mode_name(ServerTimingConfig::Origin mode) {
  return kOriginModes[static_cast<std::size_t>(mode)];
}

void read_route_server_timing(ErrorList& errors, const YAML::Node& node, const std::string& path,
                              ServerTimingConfig& out) {
  MapFields fields(errors, node, path, {"origin", "add"});
  if (!fields.is_map()) return;
  read_origin(fields, out);
  fields.read("add", out.add);
}

}  // namespace centinela::config
