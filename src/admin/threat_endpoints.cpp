// GET / POST / DELETE /admin/bans and GET /admin/threat/top?limit=N: the
// bans this instance holds (its own and the fleet's), an operator's ban or
// lift (cluster-wide with threat.shared: redis), the highest scores.
#include <fmt/format.h>

#include "admin/admin_endpoints.h"
#include "config/units.h"
#include "proxy/runtime.h"
#include "threat/ban_incident.h"
#include "threat/fleet.h"
#include "threat/threat_admin.h"
#include "threat/tracker.h"

namespace centinela::admin {
namespace {

constexpr std::size_t kDefaultTop = 20;
constexpr std::size_t kMaxTop = 1000;

AdminResponse tracking_off() {
  return error_response(400, "BAD_REQUEST",
                        "threat tracking is off: add a top-level `threat` section");
}

// The fleet's Redis client when bans are shared, else null.
redis::Client* fleet_redis(const AdminCall& call) {
  const auto& config = call.sources.runtime()->config();
  if (!config.threat || config.threat->shared != "redis") return nullptr;
  return call.sources.redis();
}

}  // namespace

AdminAnswer get_bans(const AdminCall& call) {
  threat::Tracker& tracker = threat::Tracker::global();
  co_return json_response(200, threat::bans_json(tracker.bans(), tracker.now_ns()));
}

AdminAnswer post_ban(const AdminCall& call) {
  threat::Tracker& tracker = threat::Tracker::global();
  const threat::Settings* settings = tracker.settings();
  if (settings == nullptr) co_return tracking_off();
  threat::BanRequest request;
  std::string problem;
  if (!threat::parse_ban_request(call.request.body, request, problem)) {
    co_return error_response(400, "BAD_REQUEST", problem);
  }
  const std::int64_t duration = request.duration_ns.value_or(
      settings->rules.durations_ns.empty() ? 60'000'000'000 : settings->rules.durations_ns.front());
  const threat::BanState ban = tracker.ban(request.client.key(), duration);
  if (ban.level == 0) co_return error_response(503, "SERVICE_UNAVAILABLE", "ban table is full");
  bool shared = false;
  if (redis::Client* redis = fleet_redis(call)) {
    shared = co_await threat::publish_ban(*redis, request.client.key(), ban);
  }
  // The incident the ban's 403 answers name (derived from the ban: the same
  // on every instance that applies it).
  const observe::IncidentId incident = threat::ban_incident_id(request.client.key(), ban);
  co_return json_response(
      200,
      fmt::format(
          R"({{"banned":true,{},"level":{},"retry_after_s":{},"cluster":{},"incident_id":"{}"}})",
          threat::client_json(request.client), ban.level,
          (ban.until_ns - tracker.now_ns() + 999'999'999) / 1'000'000'000, shared,
          incident.view()));
}

AdminAnswer delete_ban(const AdminCall& call) {
  threat::NamedClient client;
  std::string problem;
  if (!threat::client_from_query(query_parameter(call.request.target, "ip"),
                                 query_parameter(call.request.target, "user"), client, problem)) {
    co_return error_response(400, "BAD_REQUEST", problem);
  }
  const bool held = threat::Tracker::global().lift(client.key());
  bool shared = false;
  if (redis::Client* redis = fleet_redis(call)) {
    shared = co_await threat::publish_lift(*redis, client.key());
  }
  co_return json_response(200, fmt::format(R"({{"lifted":{},{},"cluster":{}}})", held,
                                           threat::client_json(client), shared));
}

AdminAnswer get_threat_top(const AdminCall& call) {
  std::size_t limit = kDefaultTop;
  if (const std::string text = query_parameter(call.request.target, "limit"); !text.empty()) {
    const auto parsed = config::parse_unsigned(text);
    if (!parsed || *parsed == 0 || *parsed > kMaxTop) {
      co_return error_response(400, "BAD_REQUEST", "limit must be a number from 1 to 1000");
    }
    limit = *parsed;
  }
  threat::Tracker& tracker = threat::Tracker::global();
  co_return json_response(200, threat::top_json(tracker.top(limit), tracker.now_ns()));
}

}  // namespace centinela::admin
