#include "threat/threat_stage.h"

#include "threat/front_door.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

using stage::RequestContext;
using stage::RequestVerdict;
using stage::ResponseVerdict;

class ThreatStage final : public stage::Stage {
 public:
  std::string_view name() const override { return "threat"; }

  RequestVerdict on_request_head(RequestContext& ctx) override {
    Tracker& tracker = Tracker::global();
    if (!tracker.enabled()) return RequestVerdict::proceed();
    const std::int64_t now = tracker.now_ns();
    if (!ctx.user.empty()) {
      const ClientKey user = ClientKey::user(ctx.user);
      if (auto ban = tracker.banned(user, now)) {
        ctx.threat = "banned:user";
        return RequestVerdict::respond(make_ban_response(ctx, user, *ban, now));
      }
    }
    if (auto ban = note_scanner(ctx, ctx.path)) {
      // The scan that crossed the line is refused already. Now, not before:
      // the ban was timed after `now`. The ban made is the IP's unless only
      // the user's score crossed.
      const std::int64_t later = tracker.now_ns();
      ClientKey who = ClientKey::ip(ctx.client_ip);
      if (!ctx.user.empty() && !tracker.banned(who, later)) who = ClientKey::user(ctx.user);
      ctx.threat = who.kind == ClientKind::ip ? "banned:ip" : "banned:user";
      return RequestVerdict::respond(make_ban_response(ctx, who, *ban, later));
    }
    return RequestVerdict::proceed();
  }

  ResponseVerdict on_response_head(RequestContext& ctx, stage::Response& response) override {
    // The stage's own ban answer is no new signal.
    if (ctx.threat.empty()) note_status(ctx, response.status);
    return ResponseVerdict::proceed();
  }
};

}  // namespace

std::unique_ptr<stage::Stage> make_threat_stage(const config::Config& config,
                                                const config::RouteConfig& route) {
  if (!config.threat || !route.threat) return nullptr;
  return std::make_unique<ThreatStage>();
}

}  // namespace centinela::threat
