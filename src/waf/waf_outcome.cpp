#include "waf/waf_outcome.h"

#include "observe/incident_id.h"
#include "observe/incident_log.h"
#include "stage/local_response.h"
#include "stage/request_context.h"
#include "waf/builtin_rules.h"

namespace centinela::waf {

namespace {

constexpr std::string_view kBlockedMessage = "request blocked by the web application firewall";

}  // namespace

Outcome::Outcome(OutcomeSettings settings) : settings_(std::move(settings)) {
  if (settings_.metrics) metrics_.emplace(settings_.route, settings_.mode);
}

void Outcome::count_request() const {
  if (metrics_) metrics_->count_request();
}

WafAction Outcome::action_for(const Assessment& assessment) const {
  const bool attack = assessment.disrupted ||
                      (assessment.threshold > 0 && assessment.score >= assessment.threshold);
  if (!attack) return WafAction::pass;
  return settings_.mode == WafMode::block ? WafAction::blocked : WafAction::detected;
}

stage::RequestVerdict Outcome::decide(stage::RequestContext& ctx, const Assessment& assessment,
                                      observe::IncidentId& incident) const {
  const WafAction action = action_for(assessment);
  ctx.waf_score = static_cast<int>(assessment.score);
  ctx.waf_action = to_string(action);
  if (metrics_) {
    if (assessment.findings != nullptr) {
      const FindingList& findings = *assessment.findings;
      for (std::size_t i = 0; i < findings.size(); ++i) {
        metrics_->count_finding(group_of_rule(findings.rule(i)));
      }
    }
    metrics_->count_action(action);
    metrics_->observe_inspection(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - assessment.started)
            .count());
  }
  // The one place findings reach the client's threat score: only a request
  // the route counts as an attack (score at its threshold). Below it the
  // findings are benign by the route's own definition, and some fire on
  // every request of a client (920350, a Host that is an IP address): they
  // would ban a well-behaved client over time.
  if (settings_.threat && action != WafAction::pass) settings_.threat(ctx, ctx.waf_score);
  if (action == WafAction::pass) return stage::RequestVerdict::proceed();
  incident = observe::new_incident_id();
  ctx.incident_id = incident.view();
  record(ctx, assessment, action);
  if (action != WafAction::blocked) return stage::RequestVerdict::proceed();
  return stage::RequestVerdict::respond(
      stage::make_error_response(403, kBlockedMessage, ctx.request_id, ctx.incident_id));
}

void Outcome::record(const stage::RequestContext& ctx, const Assessment& assessment,
                     WafAction action) const {
  std::array<std::vector<std::string_view>, observe::kListedFindings> tags;
  std::vector<observe::IncidentFinding> findings;
  if (assessment.findings != nullptr) {
    const FindingList& list = *assessment.findings;
    for (std::size_t i = 0; i < list.size() && findings.size() < observe::kListedFindings; ++i) {
      const FindingView f = list.at(i, tags[findings.size()]);
      findings.push_back({f.rule,
                          f.rule >= kFirstNativeRule || is_builtin_rule(f.rule) ? "centinela"
                                                                                 : "crs",
                          f.msg,
                          tags[findings.size()],
                          severity_name(f.severity),
                          severity_score(f.severity),
                          f.target,
                          f.excerpt,
                          f.decoded});
    }
  }
  observe::IncidentRecord record;
  record.ts = std::chrono::system_clock::now();
  record.incident_id = ctx.incident_id;
  record.request_id = ctx.request_id;
  record.client_ip = ctx.client_ip;
  record.user = ctx.user;
  record.route = settings_.route;
  record.method = ctx.request.method_string();
  record.path = ctx.path;
  record.action = to_string(action);
  record.mode = to_string(settings_.mode);
  record.score = static_cast<int>(assessment.score);
  record.threshold = static_cast<int>(assessment.threshold);
  record.paranoia = settings_.paranoia;
  record.findings = findings;
  record.findings_total = assessment.findings_total;
  if (settings_.incidents) {
    settings_.incidents(record);
  } else {
    observe::IncidentLog::global().record(record);
  }
}

int severity_score(std::uint8_t severity) {
  switch (severity) {
    case 2:
      return 5;
    case 3:
      return 4;
    case 4:
      return 3;
    case 5:
      return 2;
    default:
      return 0;
  }
}

std::string_view severity_name(std::uint8_t severity) {
  static constexpr std::string_view kNames[] = {"EMERGENCY", "ALERT",  "CRITICAL", "ERROR",
                                                "WARNING",   "NOTICE", "INFO",     "DEBUG"};
  return severity < 8 ? kNames[severity] : "";
}

}  // namespace centinela::waf
