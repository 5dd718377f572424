// The section printers of `check -T` (effective_config.h), one file each
// beside effective_config.cpp.
#pragma once

#include <vector>

#include "config/config.h"
#include "config/yaml_writer.h"

namespace centinela::config {

// effective_waf.cpp. `rate_limit_allowlist`: what the loader appended to
// threat.allowlist, left out so it is not appended twice.
void print_waf(YamlWriter& w, const WafConfig& waf);
void print_threat(YamlWriter& w, const ThreatConfig& threat,
                  const std::vector<CidrRange>& rate_limit_allowlist);

// effective_routes.cpp
void print_routes(YamlWriter& w, const std::vector<RouteConfig>& routes);

}  // namespace centinela::config
