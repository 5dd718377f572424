// A ban is an incident: the incident log and /admin/waf/incidents show who
// was banned, for how long and what tipped the score over, beside the WAF's
// blocks that usually led to it. The ban answer (403) names the incident.
//
// A ban's incident id is derived from the ban itself (the client, its level
// and its end to the millisecond), never stored: every instance of a fleet
// holding the same ban names the same incident, with nothing added to the
// score table's slots or to the fleet's Redis messages. Its time part is the
// ban's end.
#pragma once

#include <string_view>

#include "observe/incident_id.h"
#include "threat/client_key.h"
#include "threat/score_table.h"

namespace centinela::threat {

enum class Signal : std::uint8_t;

observe::IncidentId ban_incident_id(const ClientKey& client, const BanState& ban);

// Records the ban this instance just made (`ban_score`: the threshold its
// score reached; an operator's ban has no score).
void record_ban_incident(const ClientKey& client, Signal signal, const BanState& ban,
                         double ban_score);

// Records another instance's ban (or one Redis made from the fleet's
// scores) the first time this instance applies it; signal "fleet".
void record_fleet_ban_incident(const ClientKey& client, const BanState& ban, double ban_score);

}  // namespace centinela::threat
