#include "modsec/modsec_engine.h"

#include <modsecurity/modsecurity.h>
#include <modsecurity/rules_set.h>

#include <map>

#include "modsec/modsec_stage.h"
#include "modsec/rules_text.h"

namespace centinela::modsec {

namespace {

// libmodsecurity reports each logged rule match to the server's callback
// (without one it prints every match to stderr). Findings are read from the
// transaction instead, so the callback takes the message as an object
// (nothing is formatted) and drops it.
void ignore_rule_message(void* /*data*/, const void* /*message*/) {}

// One per process, never destroyed: transactions of workers still running
// at exit may refer to it.
modsecurity::ModSecurity& process_modsecurity() {
  static modsecurity::ModSecurity* const instance = [] {
    auto* made = new modsecurity::ModSecurity();
    made->setConnectorInformation("centinela");
    made->setServerLogCb(ignore_rule_message, modsecurity::RuleMessageLogProperty);
    return made;
  }();
  return *instance;
}

std::string set_key(const config::RouteWafConfig& route_waf, const RuleIndex& index) {
  return route_rules(route_waf, index).key();
}

}  // namespace

struct Engine::Impl {
  std::vector<std::string> files;
  std::shared_ptr<const RuleIndex> index;
  // Rule sets by RouteRules::key().
  std::map<std::string, std::shared_ptr<modsecurity::RulesSet>> sets;
  std::size_t rule_count = 0;  // in the last set loaded

  // One route's set: preamble, the files one by one in centinela's order
  // (libmodsecurity's own Include/IncludeOptional resolve differently), the
  // exclusions.
  std::shared_ptr<modsecurity::RulesSet> load_set(const RouteRules& text, std::string& error) {
    auto set = std::make_shared<modsecurity::RulesSet>();
    if (set->load(text.preamble.c_str(), "centinela:modsecurity-route.conf") < 0) {
      error = "centinela:modsecurity-route.conf: " + set->getParserError();
      return nullptr;
    }
    for (const std::string& file : files) {
      if (set->loadFromUri(file.c_str()) < 0) {
        error = file + ": " + set->getParserError();
        return nullptr;
      }
    }
    if (!text.exclusions.empty() &&
        set->load(text.exclusions.c_str(), "centinela:route-exclusions.conf") < 0) {
      error = "route exclusions: " + set->getParserError();
      return nullptr;
    }
    rule_count = 0;
    for (int phase = 0; phase < modsecurity::Phases::NUMBER_OF_PHASES; ++phase) {
      rule_count += set->m_rulesSetPhases[phase]->size();
    }
    return set;
  }
};

bool available() { return true; }

std::string_view library_version() {
  static const std::string version = [] {
    // whoAmI(): "ModSecurity v3.0.9 (Linux)".
    std::string text = process_modsecurity().whoAmI();
    const std::size_t v = text.find(" v");
    if (v == std::string::npos) return text;
    text = text.substr(v + 2);
    return text.substr(0, text.find(' '));
  }();
  return version;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

std::shared_ptr<Engine> Engine::load(std::span<const std::string> files, std::string& error) {
  error.clear();
  auto impl = std::make_unique<Impl>();
  impl->files.assign(files.begin(), files.end());
  impl->index = std::make_shared<const RuleIndex>(RuleIndex::read(files));
  process_modsecurity();
  return std::shared_ptr<Engine>(new Engine(std::move(impl)));
}

std::string Engine::prepare(const config::Config& config) {
  std::map<std::string, std::shared_ptr<modsecurity::RulesSet>> sets;
  for (const config::RouteConfig& route : config.routes) {
    if (route.waf.mode == config::WafMode::off) continue;
    const RouteRules text = route_rules(route.waf, *impl_->index);
    const std::string key = text.key();
    if (sets.count(key) != 0) continue;
    if (auto kept = impl_->sets.find(key); kept != impl_->sets.end()) {
      sets.emplace(key, kept->second);
      continue;
    }
    std::string error;
    auto set = impl_->load_set(text, error);
    if (!set) return error;
    sets.emplace(key, std::move(set));
  }
  impl_->sets = std::move(sets);
  return {};
}

std::unique_ptr<stage::Stage> Engine::make_stage(const config::RouteWafConfig& route_waf,
                                                 waf::OutcomeSettings settings) const {
  if (route_waf.mode == config::WafMode::off) return nullptr;
  const auto set = impl_->sets.find(set_key(route_waf, *impl_->index));
  if (set == impl_->sets.end()) return nullptr;
  ModsecStageSettings stage;
  stage.modsec = &process_modsecurity();
  stage.rules = set->second;
  stage.index = impl_->index;
  stage.inspect_body_bytes = route_waf.inspect_body_bytes;
  stage.paranoia = route_waf.paranoia;
  stage.anomaly_threshold = route_waf.anomaly_threshold;
  stage.outcome = std::move(settings);
  return make_modsec_stage(std::move(stage));
}

const RuleIndex& Engine::index() const { return *impl_->index; }

std::string Engine::summary() const {
  std::string text = std::to_string(impl_->rule_count) + " rules in " +
                     std::to_string(impl_->sets.size()) + " rule set" +
                     (impl_->sets.size() == 1 ? "" : "s") + " (libmodsecurity " +
                     std::string(library_version()) + ")";
  if (const std::size_t n = impl_->index->not_honoured().size(); n != 0) {
    text += ", " + std::to_string(n) + " not honoured";
  }
  return text;
}

}  // namespace centinela::modsec
