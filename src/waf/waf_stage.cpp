#include "waf/waf_stage.h"

#include <chrono>
#include <random>

#include "observe/event_log.h"
#include "observe/json_escape.h"
#include "observe/utc_time.h"

namespace centinela::waf {

namespace {

constexpr std::string_view kBlockedMessage = "request blocked by the web application firewall";

std::string_view mode_name(WafMode mode) {
  return mode == WafMode::block ? "block" : mode == WafMode::detect ? "detect" : "off";
}

std::string_view severity_name(std::uint8_t severity) {
  static constexpr std::string_view kNames[] = {"EMERGENCY", "ALERT",  "CRITICAL", "ERROR",
                                                "WARNING",   "NOTICE", "INFO",     "DEBUG"};
  return severity < 8 ? kNames[severity] : "";
}

// The contract's 403 envelope with the incident id inside "error".
stage::LocalResponse blocked_response(std::string_view request_id, std::string_view incident_id) {
  stage::LocalResponse response = stage::make_error_response(403, kBlockedMessage, request_id);
  const std::size_t close = response.body.rfind("}}");
  if (close != std::string::npos) {
    std::string field = ",\"incident_id\":";
    observe::append_json_string(field, incident_id);
    response.body.insert(close, field);
  }
  return response;
}

class WafStage final : public stage::Stage {
 public:
  explicit WafStage(StageSettings settings) : settings_(std::move(settings)) {}
  std::string_view name() const override { return "waf"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    auto& inspection =
        ctx.make_state<Inspection>(slot(), settings_.program, settings_.mode, ViewLimits{});
    RequestHead head;
    head.method = ctx.request.method_string();
    head.target = ctx.request.target();
    head.version = ctx.request.version() == 10 ? "1.0" : "1.1";
    for (const auto& field : ctx.request) {
      head.headers.push_back({field.name_string(), field.value()});
    }
    head.client_ip = ctx.client_ip;
    head.request_id = ctx.request_id;
    if (!inspection.head(head)) return decide(ctx, inspection);
    if (inspection.wants_body()) {
      return stage::RequestVerdict::buffer_body(settings_.inspect_body_bytes);
    }
    inspection.no_body();
    return decide(ctx, inspection);
  }

  stage::RequestVerdict on_request_body(stage::RequestContext& ctx, std::string_view body,
                                        bool complete) override {
    Inspection* inspection = ctx.state<Inspection>(slot());
    if (inspection == nullptr) return stage::RequestVerdict::proceed();
    inspection->body(body, complete);
    return decide(ctx, *inspection);
  }

 private:
  stage::RequestVerdict decide(stage::RequestContext& ctx, const Inspection& inspection) {
    const Verdict verdict = inspection.verdict();
    ctx.waf_score = verdict.score;
    ctx.waf_action = to_string(verdict.action);
    // The one place findings reach the client's threat score.
    if (settings_.threat && verdict.score > 0) settings_.threat(ctx, verdict.score);
    if (verdict.action == WafAction::pass) return stage::RequestVerdict::proceed();
    ctx.incident_id = new_incident_id();
    Incident incident{ctx.incident_id, ctx.request_id,  ctx.client_ip,
                      ctx.user,        settings_.route, ctx.request.method_string(),
                      ctx.path,        settings_.mode,  settings_.program->paranoia,
                      &verdict};
    if (settings_.incidents) {
      settings_.incidents(incident);
    } else {
      observe::log_event(observe::Level::warn, "waf incident",
                         {{"incident", incident_json(incident)}});
    }
    if (verdict.action != WafAction::blocked) return stage::RequestVerdict::proceed();
    return stage::RequestVerdict::respond(blocked_response(ctx.request_id, ctx.incident_id));
  }

  StageSettings settings_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_waf_stage(StageSettings settings) {
  if (settings.mode == WafMode::off || !settings.program) return nullptr;
  return std::make_unique<WafStage>(std::move(settings));
}

std::string new_incident_id() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  std::string id(26, '0');
  for (int i = 9; i >= 0; --i)
    id[static_cast<std::size_t>(i)] = kAlphabet[(ms >> (5 * (9 - i))) & 31];
  std::uint64_t bits = random();
  for (std::size_t i = 10; i < 26; ++i) {
    if (i == 22) bits = random();
    id[i] = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return id;
}

std::string incident_json(const Incident& incident, std::size_t max_findings) {
  const Verdict& v = *incident.verdict;
  std::string out = "{\"ts\":\"";
  observe::append_rfc3339_ms(out, std::chrono::system_clock::now());
  out += "\"";
  auto field = [&](std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    observe::append_json_string(out, value);
  };
  field("incident_id", incident.incident_id);
  field("request_id", incident.request_id);
  field("client_ip", incident.client_ip);
  field("user", incident.user);
  field("route", incident.route);
  field("method", incident.method);
  field("path", incident.path);
  field("action", to_string(v.action));
  field("mode", mode_name(incident.mode));
  out += ",\"score\":" + std::to_string(v.score) + ",\"threshold\":" + std::to_string(v.threshold) +
         ",\"paranoia\":" + std::to_string(incident.paranoia) + ",\"findings\":[";
  std::size_t n = 0;
  for (const Finding& f : *v.findings) {
    if (n == max_findings) break;
    out += n++ ? ",{" : "{";
    out += "\"rule\":" + std::to_string(f.rule);
    field("msg", f.msg);
    field("severity", severity_name(f.severity));
    field("target", f.target);
    field("excerpt", f.value.substr(0, 64));
    out += "}";
  }
  out += "],\"findings_total\":" + std::to_string(v.findings_total) + "}";
  return out;
}

}  // namespace centinela::waf
