// The threat checks the gateway makes for every request, routed or not: the
// ban answer at the front door (before routing and before any stage), the
// scanner fingerprints, and the signals of answers given without a route.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "stage/local_response.h"
#include "stage/request_context.h"
#include "threat/score_table.h"

namespace centinela::threat {

// 403 in the contract's envelope, code FORBIDDEN, "client temporarily
// banned", with the ban's incident_id (threat/ban_incident.h; also set in
// ctx.incident_id for the access log) and Retry-After (and retry_after_s in
// the body) until it ends.
stage::LocalResponse make_ban_response(stage::RequestContext& ctx, const ClientKey& client,
                                       const BanState& ban, std::int64_t now_ns);

// Before routing: the ban answer when the client's IP is banned (and
// ctx.threat set for the access log); nullopt otherwise or with tracking
// off. Also joins this worker thread to the fleet's batches (threat/fleet.h).
std::optional<stage::LocalResponse> front_door_check(stage::RequestContext& ctx);

// A scanner's fingerprint in the request (its User-Agent, a restricted file
// in `path`) adds the scanner points to the client's IP (and user); returns
// the ban that made, if any.
std::optional<BanState> note_scanner(const stage::RequestContext& ctx, std::string_view path);

// The signal of a response status (404, 401, 403, 429) for the client's IP
// and user; returns a ban that made, if any.
std::optional<BanState> note_status(const stage::RequestContext& ctx, unsigned status);

}  // namespace centinela::threat
