// The WAF stage of a route on the modsecurity engine: one libmodsecurity
// Transaction per request (phase 1 on the head, phase 2 on the first
// inspect_body_bytes of any body, as ModSecurity reads bodies),
// then the anomaly score CRS summed (tx.anomaly_score) goes to
// waf::Outcome, which decides by the route's threshold and mode; the
// intervention libmodsecurity proposes is never sent as it is.
//
// libmodsecurity is synchronous CPU work on the worker (about a millisecond
// per request with CRS at paranoia 1): the compatibility engine's cost.
#pragma once

#include <cstdint>
#include <memory>

#include "modsec/rule_index.h"
#include "stage/stage.h"
#include "waf/waf_outcome.h"

namespace modsecurity {
class ModSecurity;
class RulesSet;
}  // namespace modsecurity

namespace centinela::modsec {

struct ModsecStageSettings {
  modsecurity::ModSecurity* modsec = nullptr;  // process-wide, never destroyed
  std::shared_ptr<modsecurity::RulesSet> rules;
  std::shared_ptr<const RuleIndex> index;  // tags of messages that carry none
  std::uint64_t inspect_body_bytes = 64 * 1024;
  unsigned paranoia = 1;
  unsigned anomaly_threshold = 5;
  waf::OutcomeSettings outcome;
};

std::unique_ptr<stage::Stage> make_modsec_stage(ModsecStageSettings settings);

}  // namespace centinela::modsec
