// A ban is an incident: the incident log and /admin/waf/incidents show who
// was banned, for how long and what tipped the score over, beside the WAF's
// blocks that usually led to it.
#pragma once

#include "threat/client_key.h"
#include "threat/score_table.h"

namespace centinela::threat {

enum class Signal : std::uint8_t;

// Records the ban this instance just made (`ban_score`: the threshold its
// score reached; an operator's ban has no score).
void record_ban_incident(const ClientKey& client, Signal signal, const BanState& ban,
                         double ban_score);

}  // namespace centinela::threat
