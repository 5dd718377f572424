// The rule set: SecLang items in file order compiled into a RuleSet, with
// the load report.
#include <atomic>
#include <charconv>

#include "seclang/parse.h"
#include "waf/compile_detail.h"
#include "waf/text.h"

namespace centinela::waf {

std::uint32_t TxNames::slot(std::string_view lower_name) {
  if (auto it = slots_.find(std::string(lower_name)); it != slots_.end()) return it->second;
  const auto s = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(lower_name);
  slots_.emplace(std::string(lower_name), s);
  return s;
}

std::uint32_t TxNames::find(std::string_view lower_name) const {
  auto it = slots_.find(lower_name);
  return it == slots_.end() ? kNoSlot : it->second;
}

std::uint16_t RuleSet::tag_index(std::string_view tag) {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i] == tag) return static_cast<std::uint16_t>(i);
  }
  tags.emplace_back(tag);
  return static_cast<std::uint16_t>(tags.size() - 1);
}

std::uint32_t RuleSet::find_tag(std::string_view tag) const {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (tags[i] == tag) return static_cast<std::uint32_t>(i);
  }
  return kNoSlot;
}

std::uint32_t RuleSet::pipeline(std::uint32_t parent, decode::Transform t) {
  for (std::size_t i = 1; i < pipelines.size(); ++i) {
    if (pipelines[i].parent == parent && pipelines[i].transform == t) {
      return static_cast<std::uint32_t>(i);
    }
  }
  pipelines.push_back(PipelineNode{parent, t, pipelines[parent].depth + 1});
  return static_cast<std::uint32_t>(pipelines.size() - 1);
}

std::string LoadReport::summary() const {
  return std::to_string(rules) + " rules: " + std::to_string(honoured) + " honoured, " +
         std::to_string(partial.size()) + " partially, " + std::to_string(not_honoured.size()) +
         " not honoured, " + std::to_string(not_run.size()) + " not run, " +
         std::to_string(errors.size()) + " errors";
}

namespace {

using detail::CompileContext;

void set_defaults(const seclang::Directive& d, CompileContext& ctx) {
  int phase = 2;
  detail::Defaults defaults;
  for (const seclang::Action& a : d.actions) {
    if (a.name == "phase") {
      phase = a.value == "request"    ? 2
              : a.value == "response" ? 4
                                      : static_cast<int>(to_number(a.value));
    }
    if (a.name == "nolog") defaults.log = false;
    if (a.name == "log") defaults.log = true;
    if (a.name == "deny") defaults.disruptive = Disruptive::deny;
    if (a.name == "drop") defaults.disruptive = Disruptive::drop;
    if (a.name == "pass") defaults.disruptive = Disruptive::pass;
    if (a.name == "t" && a.value != "none") {
      ctx.set.report.notes.push_back(detail::location(d.where) +
                                     ": SecDefaultAction transformations are not applied");
    }
  }
  if (phase >= 1 && phase <= 5) ctx.defaults[static_cast<std::size_t>(phase)] = defaults;
}

void remove_ids(const seclang::Directive& d, RuleSet& set) {
  for (const std::string& arg : d.args) {
    for (std::string_view item : {std::string_view(arg)}) {
      const std::size_t dash = item.find('-');
      const auto first = static_cast<std::uint32_t>(to_number(item.substr(0, dash)));
      const auto last = dash == std::string_view::npos
                            ? first
                            : static_cast<std::uint32_t>(to_number(item.substr(dash + 1)));
      set.removed_ids.emplace_back(first, last);
    }
  }
}

void directive(const seclang::Directive& d, std::uint32_t order, CompileContext& ctx) {
  RuleSet& set = ctx.set;
  if (d.name == "SecMarker") {
    if (!d.args.empty()) set.markers.push_back(Marker{d.args[0], order});
  } else if (d.name == "SecDefaultAction") {
    set_defaults(d, ctx);
  } else if (d.name == "SecRuleRemoveById") {
    remove_ids(d, set);
  } else if (d.name == "SecRuleRemoveByTag") {
    set.removed_tags.insert(set.removed_tags.end(), d.args.begin(), d.args.end());
  } else {
    set.report.notes.push_back(detail::location(d.where) + ": " + d.name + " ignored");
  }
}

void report_rule(const seclang::Rule& rule, const CompileContext& ctx, LoadReport& report) {
  const std::uint32_t id = rule.id().value_or(0);
  const std::string where = detail::location(rule.where);
  auto join = [](const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& i : items) {
      if (out.find(i) != std::string::npos) continue;
      out += (out.empty() ? "" : "; ") + i;
    }
    return out;
  };
  const int phase = rule.phase().value_or(2);
  if (phase == 5) {
    report.not_run.push_back({id, where, "logging phase (5): not run"});
  } else if (phase >= 3) {
    report.not_run.push_back({id, where, "response phase: run only with inspect_response"});
  }
  if (!ctx.not_honoured.empty()) {
    report.not_honoured.push_back({id, where, join(ctx.not_honoured)});
  } else if (!ctx.partial.empty()) {
    report.partial.push_back({id, where, join(ctx.partial)});
  } else {
    ++report.honoured;
  }
}

}  // namespace

std::shared_ptr<RuleSet> compile_rules(const seclang::ParseResult& parsed,
                                       const std::filesystem::path* cache_dir) {
  auto set = std::make_shared<RuleSet>();
  // TX:0..9 (capture) are slots 0..9.
  for (int d = 0; d < 10; ++d) set->tx.slot(std::to_string(d));
  for (const seclang::ParseError& e : parsed.errors) set->report.errors.push_back(e.to_string());
  CompileContext ctx{*set, cache_dir};
  std::uint32_t order = 0;
  for (const seclang::Item& item : parsed.items) {
    ++order;
    if (const auto* d = std::get_if<seclang::Directive>(&item)) {
      directive(*d, order, ctx);
      continue;
    }
    const auto& rule = std::get<seclang::Rule>(item);
    ctx.not_honoured.clear();
    ctx.partial.clear();
    ctx.error.clear();
    ++set->report.rules;
    std::optional<Rule> compiled = detail::compile_rule(rule, ctx);
    if (!compiled) {
      set->report.errors.push_back(detail::location(rule.where) + ": rule " +
                                   std::to_string(rule.id().value_or(0)) + ": " + ctx.error);
      continue;
    }
    compiled->order = order;
    report_rule(rule, ctx, set->report);
    set->rules.push_back(std::move(*compiled));
  }
  for (const auto& [key, literals] : ctx.literal_sets) set->literal_sets.push_back(literals);
  detail::group_word_lists(ctx);
  std::string error;
  set->rx = RxMatcher::build(*set, error, cache_dir);
  if (!set->rx) set->report.notes.push_back("Hyperscan: " + error + "; every @rx runs in PCRE2");
  static std::atomic<std::uint64_t> generations{0};
  set->generation = ++generations;
  return set;
}

std::shared_ptr<RuleSet> load_rules(std::span<const std::string> files,
                                    const std::filesystem::path* cache_dir) {
  return compile_rules(seclang::parse_files(files), cache_dir);
}

std::vector<std::string> debian_crs_files() {
  return {"/usr/share/modsecurity-crs/owasp-crs.load"};
}

}  // namespace centinela::waf
