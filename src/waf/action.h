// What the WAF did with a request, and the mode a route runs it in (the
// configuration's): shared by the inspection, the stage and the metrics.
#pragma once

#include <cstdint>
#include <string_view>

#include "config/config.h"

namespace centinela::waf {

using WafMode = config::WafMode;

enum class WafAction : std::uint8_t { pass, detected, blocked };
std::string_view to_string(WafAction action);  // "pass", "detected", "blocked"
std::string_view to_string(WafMode mode);      // "off", "detect", "block"

}  // namespace centinela::waf
