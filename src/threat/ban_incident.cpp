#include "threat/ban_incident.h"

#include <chrono>
#include <cmath>

#include "observe/incident_id.h"
#include "observe/incident_log.h"
#include "threat/tracker.h"

namespace centinela::threat {

void record_ban_incident(const ClientKey& client, Signal signal, const BanState& ban,
                         double ban_score) {
  const auto now = std::chrono::system_clock::now();
  const observe::IncidentId id = observe::new_incident_id(now);
  observe::IncidentRecord record;
  record.ts = now;
  record.incident_id = id.view();
  if (client.kind == ClientKind::ip) {
    record.client_ip = client.name;
  } else {
    record.user = client.name;
  }
  record.action = "banned";
  record.score = static_cast<int>(std::lround(ban.score));
  record.threshold = static_cast<int>(std::lround(ban_score));
  record.ban =
      observe::IncidentBan{static_cast<unsigned>(ban.level),
                           std::chrono::system_clock::time_point(
                               std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                   std::chrono::nanoseconds(ban.until_ns))),
                           to_string(signal)};
  observe::IncidentLog::global().record(record);
}

}  // namespace centinela::threat
