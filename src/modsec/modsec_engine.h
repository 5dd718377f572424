// `waf.engine: modsecurity`: the compatibility engine, libmodsecurity3
// running the same `waf.rules` files with exact ModSecurity semantics. One
// libmodsecurity rule set per distinct route setting (paranoia level,
// anomaly threshold, body bound, exclusions), loaded on the main thread at
// start and on reload; its stage ends in waf::Outcome like centinela's own,
// so both engines answer, record and score a request the same way.
//
// libmodsecurity is optional at build time: without it (no
// libmodsecurity-dev) available() is false and load() refuses.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config/config.h"
#include "modsec/rule_index.h"
#include "stage/stage.h"
#include "waf/waf_outcome.h"

namespace centinela::modsec {

// Whether this build has libmodsecurity, and its version ("" without).
bool available();
std::string_view library_version();

class Engine {
 public:
  // The rule files, resolved and in load order. Null with `error` set when
  // this build has no libmodsecurity.
  static std::shared_ptr<Engine> load(std::span<const std::string> files, std::string& error);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads the rule set of every route of `config` that runs the WAF (the
  // sets this engine already has for equal settings are kept, the others
  // dropped). Empty, or what libmodsecurity said of the first that failed.
  std::string prepare(const config::Config& config);

  // The route's stage (its rule set prepared before); null when its WAF is
  // off or its rules are not prepared.
  std::unique_ptr<stage::Stage> make_stage(const config::RouteWafConfig& route_waf,
                                           waf::OutcomeSettings settings) const;

  const RuleIndex& index() const;
  // "918 rules in 2 rule sets (libmodsecurity 3.0.9)", then ", N not
  // honoured" when index().not_honoured() lists some.
  std::string summary() const;

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace centinela::modsec
