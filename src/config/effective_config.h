// `centinela check -T`: the effective config — every section with its
// defaults filled in, in the config's own units, secrets masked — as YAML
// that `centinela check` accepts and that prints again the same way.
//
// Secrets are masked: admin.token, identity.jwt.hs256_secret (as 32 `*`, the
// shortest secret the loader takes) and the Redis password as "***"; API keys
// as "***1", "***2"... (distinct, so the map stays valid), with their users.
// Secret files (`*_file`) are printed as the values read from them.
//
// Adding a key: one `w.field(...)` line in the section's printer
// (effective_config.cpp, or effective_routes.cpp for a route's keys).
#pragma once

#include <string>

#include "config/config.h"

namespace centinela::config {

std::string effective_config_yaml(const Config& config);

}  // namespace centinela::config
