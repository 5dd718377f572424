#include "threat/front_door.h"

#include <fmt/format.h>

#include "threat/ban_incident.h"
#include "threat/fleet.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

std::optional<Signal> signal_of(unsigned status) {
  switch (status) {
    case 401:
      return Signal::auth_failure;
    case 403:
      return Signal::forbidden;
    case 404:
      return Signal::not_found;
    case 429:
      return Signal::rate_limited;
    default:
      return std::nullopt;
  }
}

// Points for the IP and, when identity knows one, the user; the first ban made.
std::optional<BanState> add_for_client(const stage::RequestContext& ctx, Signal signal,
                                       double points) {
  Tracker& tracker = Tracker::global();
  auto made = tracker.add(ClientKey::ip(ctx.client_ip), signal, points);
  if (!ctx.user.empty()) {
    auto user_ban = tracker.add(ClientKey::user(ctx.user), signal, points);
    if (!made) made = user_ban;
  }
  return made;
}

}  // namespace

stage::LocalResponse make_ban_response(stage::RequestContext& ctx, const ClientKey& client,
                                       const BanState& ban, std::int64_t now_ns) {
  const std::int64_t left = std::max<std::int64_t>(ban.until_ns - now_ns, 0);
  const std::int64_t seconds = std::max<std::int64_t>((left + kNsPerSecond - 1) / kNsPerSecond, 1);
  ctx.incident_id = ctx.arena.copy(ban_incident_id(client, ban).view());
  stage::LocalResponse response =
      stage::make_error_response(403, "client temporarily banned", ctx.request_id, ctx.incident_id);
  // make_error_response ends the body with the two closing braces of the
  // error object and the envelope; retry_after_s goes inside the first, as
  // on a 429.
  std::string& body = response.body;
  if (body.ends_with("}}")) {
    body.resize(body.size() - 2);
    fmt::format_to(std::back_inserter(body), R"(,"retry_after_s":{}}}}})", seconds);
  }
  response.headers.set(boost::beast::http::field::retry_after, std::to_string(seconds));
  return response;
}

std::optional<stage::LocalResponse> front_door_check(stage::RequestContext& ctx) {
  Tracker& tracker = Tracker::global();
  const Settings* settings = tracker.settings();
  if (settings == nullptr) return std::nullopt;
  if (settings->shared_redis && ctx.worker != nullptr) join_fleet(*ctx.worker);
  const std::int64_t now = tracker.now_ns();
  const ClientKey client = ClientKey::ip(ctx.client_ip);
  auto ban = tracker.banned(client, now);
  if (!ban) return std::nullopt;
  ctx.threat = "banned:ip";
  return make_ban_response(ctx, client, *ban, now);
}

std::optional<BanState> note_scanner(const stage::RequestContext& ctx, std::string_view path) {
  const Settings* settings = Tracker::global().settings();
  if (settings == nullptr) return std::nullopt;
  bool scanner = !settings->restricted_paths.find_in(path).empty();
  if (!scanner && !settings->scanner_user_agents.empty()) {
    auto agent = ctx.request.find(boost::beast::http::field::user_agent);
    scanner = agent != ctx.request.end() &&
              !settings->scanner_user_agents.find_in(agent->value()).empty();
  }
  if (!scanner) return std::nullopt;
  return add_for_client(ctx, Signal::scanner, settings->points.scanner);
}

std::optional<BanState> note_status(const stage::RequestContext& ctx, unsigned status) {
  const auto signal = signal_of(status);
  if (!signal) return std::nullopt;
  const Settings* settings = Tracker::global().settings();
  if (settings == nullptr) return std::nullopt;
  double points = 0;
  switch (*signal) {
    case Signal::auth_failure:
      points = settings->points.auth_failure;
      break;
    case Signal::forbidden:
      points = settings->points.forbidden;
      break;
    case Signal::not_found:
      points = settings->points.not_found;
      break;
    default:
      points = settings->points.rate_limited;
  }
  return add_for_client(ctx, *signal, points);
}

}  // namespace centinela::threat
