// A route's WAF stage: its program from the engine (paranoia, threshold,
// exclusions), its incidents to the incident log, its scores to the
// client's threat score when the route counts them.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::waf {
class Engine;
struct ProgramOptions;
}  // namespace centinela::waf

namespace centinela::modsec {
class Engine;
}

namespace centinela::proxy {

// Null when the route's WAF is off or there is no engine. `modsec`, when
// set (waf.engine: modsecurity), runs the route instead of `engine`.
std::unique_ptr<stage::Stage> make_route_waf_stage(const config::Config& config,
                                                   const config::RouteConfig& route,
                                                   waf::Engine* engine,
                                                   const modsec::Engine* modsec = nullptr);

// The program options a route's `waf:` and the top-level `waf:` (profile,
// native rules, deep decoding) ask for.
waf::ProgramOptions program_options(const config::RouteWafConfig& route_waf,
                                    const waf::Engine& engine, const config::WafConfig& waf);

}  // namespace centinela::proxy
