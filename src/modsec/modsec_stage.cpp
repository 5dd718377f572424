#include "modsec/modsec_stage.h"

#include <modsecurity/intervention.h>
#include <modsecurity/modsecurity.h>
#include <modsecurity/rule_message.h>
#include <modsecurity/rules_set.h>
#include <modsecurity/transaction.h>

#include <charconv>
#include <chrono>
#include <string>
#include <vector>

#include "modsec/matched_text.h"
#include "observe/incident_id.h"
#include "stage/request_context.h"

namespace centinela::modsec {

namespace {

namespace http = boost::beast::http;

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::int64_t to_int(const std::unique_ptr<std::string>& text) {
  std::int64_t value = 0;
  if (text) std::from_chars(text->data(), text->data() + text->size(), value);
  return value;
}

std::string_view http_version(unsigned version) {
  switch (version) {
    case 10:
      return "1.0";
    case 20:
      return "2.0";
    default:
      return "1.1";
  }
}

// A request's transaction. Its rule set is held here too: a reload may drop
// the stage's while the request is in flight.
struct ModsecState {
  std::shared_ptr<modsecurity::RulesSet> rules;
  std::unique_ptr<modsecurity::Transaction> transaction;
  observe::IncidentId incident;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

// The transaction's rule messages as the outcome reads them.
class MessageFindings final : public waf::FindingList {
 public:
  MessageFindings(const modsecurity::Transaction& transaction, const RuleIndex& index)
      : index_(index) {
    messages_.reserve(transaction.m_rulesMessages.size());
    for (const modsecurity::RuleMessage& m : transaction.m_rulesMessages) messages_.push_back(&m);
  }
  std::size_t size() const override { return messages_.size(); }
  std::uint32_t rule(std::size_t i) const override {
    return static_cast<std::uint32_t>(messages_[i]->m_ruleId);
  }
  waf::FindingView at(std::size_t i, std::vector<std::string_view>& tags) const override {
    const modsecurity::RuleMessage& m = *messages_[i];
    const auto id = static_cast<std::uint32_t>(m.m_ruleId);
    if (m.m_tags.empty()) {
      for (const std::string& tag : index_.tags_of(id)) tags.push_back(tag);
    } else {
      for (const std::string& tag : m.m_tags) tags.push_back(tag);
    }
    const MatchedText matched = matched_text(m.m_data, m.m_match);
    const bool has_severity = m.m_severity >= 0 && m.m_severity <= 7;
    return {id,
            m.m_message,
            tags,
            has_severity ? static_cast<std::uint8_t>(m.m_severity) : std::uint8_t{0xFF},
            matched.target,
            matched.value};
  }

 private:
  const RuleIndex& index_;
  std::vector<const modsecurity::RuleMessage*> messages_;
};

class ModsecStage final : public stage::Stage {
 public:
  explicit ModsecStage(ModsecStageSettings settings)
      : settings_(std::move(settings)), outcome_(settings_.outcome) {}
  std::string_view name() const override { return "waf"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    auto& state = ctx.make_state<ModsecState>(slot());
    outcome_.count_request();
    state.rules = settings_.rules;
    std::string id = ctx.request_id;
    state.transaction = std::make_unique<modsecurity::Transaction>(
        settings_.modsec, state.rules.get(), id.data(), nullptr);
    modsecurity::Transaction& t = *state.transaction;
    t.processConnection(ctx.client_ip.c_str(), 0, "0.0.0.0", 0);
    const std::string target(ctx.target_as_sent.empty() ? std::string_view(ctx.request.target())
                                                        : ctx.target_as_sent);
    const std::string method(ctx.request.method_string());
    const std::string version(http_version(ctx.request.version()));
    t.processURI(target.c_str(), method.c_str(), version.c_str());
    for (const auto& field : ctx.request) {
      const std::string_view name = field.name_string();
      const std::string_view value = field.value();
      t.addRequestHeader(bytes(name), name.size(), bytes(value), value.size());
    }
    t.processRequestHeaders();
    if (disrupted(t)) return decide(ctx, state, true);
    if (wants_body(ctx)) return stage::RequestVerdict::buffer_body(settings_.inspect_body_bytes);
    t.processRequestBody();
    return decide(ctx, state, disrupted(t));
  }

  stage::RequestVerdict on_request_body(stage::RequestContext& ctx, std::string_view body,
                                        bool complete) override {
    ModsecState* state = ctx.state<ModsecState>(slot());
    if (state == nullptr || !state->transaction) return stage::RequestVerdict::proceed();
    modsecurity::Transaction& t = *state->transaction;
    // Only the first bytes: the truncated-body rule keeps an unfinished JSON
    // or multipart text from counting as a malformed body.
    if (!complete) t.m_variableInboundDataError.set("1", 0);
    t.appendRequestBody(bytes(body), body.size());
    t.processRequestBody();
    return decide(ctx, *state, disrupted(t));
  }

 private:
  // Every body, whatever its Content-Type, as ModSecurity reads it with
  // SecRequestBodyAccess On (REQUEST_BODY for the types no processor knows;
  // centinela's engine reads only those a processor knows).
  bool wants_body(const stage::RequestContext& ctx) const {
    if (settings_.inspect_body_bytes == 0) return false;
    const auto length = ctx.request.find(http::field::content_length);
    return (length != ctx.request.end() && length->value() != "0") ||
           ctx.request.find(http::field::transfer_encoding) != ctx.request.end();
  }

  // Whether a rule of the set denied (libmodsecurity's intervention, read
  // once: reading it clears it).
  static bool disrupted(modsecurity::Transaction& t) {
    modsecurity::ModSecurityIntervention it;
    modsecurity::intervention::clean(&it);
    const bool disruptive = t.intervention(&it) && it.disruptive != 0;
    modsecurity::intervention::free(&it);
    return disruptive;
  }

  // CRS's inbound anomaly score: its sum in phase 2, or the levels' parts
  // when phase 2 did not get to sum them.
  std::int64_t anomaly_score(modsecurity::Transaction& t) const {
    auto& tx = *t.m_collections.m_tx_collection;
    std::int64_t score = to_int(tx.resolveFirst("anomaly_score"));
    if (score != 0) return score;
    for (unsigned level = 1; level <= settings_.paranoia; ++level) {
      score += to_int(tx.resolveFirst("anomaly_score_pl" + std::to_string(level)));
    }
    return score;
  }

  stage::RequestVerdict decide(stage::RequestContext& ctx, ModsecState& state, bool denied) {
    modsecurity::Transaction& t = *state.transaction;
    const MessageFindings findings(t, *settings_.index);
    waf::Assessment assessment;
    assessment.score = anomaly_score(t);
    assessment.threshold = settings_.anomaly_threshold;
    assessment.disrupted = denied;
    assessment.findings = &findings;
    assessment.findings_total = findings.size();
    assessment.started = state.started;
    return outcome_.decide(ctx, assessment, state.incident);
  }

  ModsecStageSettings settings_;
  waf::Outcome outcome_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_modsec_stage(ModsecStageSettings settings) {
  if (settings.outcome.mode == waf::WafMode::off || !settings.rules || !settings.modsec) {
    return nullptr;
  }
  return std::make_unique<ModsecStage>(std::move(settings));
}

}  // namespace centinela::modsec
