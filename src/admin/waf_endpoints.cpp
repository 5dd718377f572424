// GET /admin/waf/incidents?limit=N&ip=IP&route=NAME: the most recent
// incidents (the WAF's blocks and detections, the threat tracker's bans),
// newest first, from the in-memory ring of the last 1,000.
#include "admin/admin_endpoints.h"
#include "config/units.h"
#include "observe/incident_log.h"

namespace centinela::admin {

AdminAnswer get_waf_incidents(const AdminCall& call) {
  constexpr std::size_t kDefaultLimit = 100;
  std::size_t limit = kDefaultLimit;
  if (const std::string text = query_parameter(call.request.target, "limit"); !text.empty()) {
    const std::optional<std::uint64_t> parsed = config::parse_unsigned(text);
    if (!parsed || *parsed == 0 || *parsed > observe::kIncidentRing) {
      co_return error_response(400, "BAD_REQUEST", "limit must be a number from 1 to 1000");
    }
    limit = static_cast<std::size_t>(*parsed);
  }
  co_return json_response(200, observe::IncidentLog::global().recent_json(
                                   limit, query_parameter(call.request.target, "ip"),
                                   query_parameter(call.request.target, "route")));
}

}  // namespace centinela::admin
