// The WAF engine of a configuration: its rule files compiled once (with the
// compile cache, a fraction of a second; cold, seconds of Hyperscan work),
// made again only when a reload changes the rules or the files changed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"

namespace centinela::waf {
class Engine;
}

namespace centinela::modsec {
class Engine;
class RuleIndex;
}  // namespace centinela::modsec

namespace centinela::app {

struct WafLoad {
  std::shared_ptr<waf::Engine> engine;  // null: no route runs the WAF, or modsec runs it
  // waf.engine: modsecurity — libmodsecurity's rule sets, one per route setting.
  std::shared_ptr<modsec::Engine> modsec;
  std::string key;              // what it was made from (engine, files, mtimes, cache)
  std::string error;            // non-empty: the rules did not load
  std::string summary() const;  // the load report in one line
  // What `centinela check` prints as warnings ("FILE:LINE:COL: rule N is not
  // honoured: why"): the rules libmodsecurity loads but cannot honour.
  std::vector<std::string> warnings() const;
};

// `previous` is kept when its key matches. Logs the load report.
WafLoad load_waf(const config::Config& config, const WafLoad& previous);

// What `centinela check` adds once the rules are loaded: exclusions naming a
// rule id or tag no loaded rule has ("FILE:LINE:COLUMN: message").
std::vector<std::string> check_exclusions(const config::Config& config, const waf::Engine& engine,
                                          const std::string& config_path);
std::vector<std::string> check_exclusions(const config::Config& config,
                                          const modsec::RuleIndex& rules,
                                          const std::string& config_path);
// The same for whichever engine `load` holds.
std::vector<std::string> check_exclusions(const config::Config& config, const WafLoad& load,
                                          const std::string& config_path);

// `waf.engine: modsecurity` in a build without libmodsecurity, as
// "FILE:LINE:COLUMN: message"; empty when the engine can run.
std::string check_engine(const config::Config& config, const std::string& config_path);

// Whether any route runs the WAF.
bool waf_used(const config::Config& config);

}  // namespace centinela::app
