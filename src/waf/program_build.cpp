// make_program: a RuleSet specialised for one route (program.h).
#include <algorithm>
#include <optional>

#include "pattern/confirmer.h"
#include "waf/api_gates.h"
#include "waf/fold.h"
#include "waf/program.h"
#include "waf/text.h"

namespace centinela::waf {

bool Program::has_tag(const Rule& rule, std::string_view tag) const {
  for (std::uint16_t t : rule.tags) {
    if (set->tags[t] == tag) return true;
  }
  return false;
}

namespace {

bool rule_has_tag(const RuleSet& set, const Rule& rule, const std::vector<std::string>& tags) {
  for (std::uint16_t t : rule.tags) {
    if (std::find(tags.begin(), tags.end(), set.tags[t]) != tags.end()) return true;
  }
  return false;
}

bool in_ranges(std::uint32_t id, const std::vector<std::pair<std::uint32_t, std::uint32_t>>& r) {
  return std::any_of(r.begin(), r.end(),
                     [&](const auto& range) { return id >= range.first && id <= range.second; });
}

bool named_by(const RuleSet& set, const Rule& rule, const RouteExclusion& e) {
  return std::find(e.rules.begin(), e.rules.end(), rule.id) != e.rules.end() ||
         rule_has_tag(set, rule, e.tags);
}

void exclude_targets(Rule& rule, const RouteExclusion& e) {
  for (Link& link : rule.links) {
    for (const std::string& name : e.args) {
      for (Var v : {Var::args, Var::args_get, Var::args_post}) {
        link.exclusions.push_back(Exclusion{v, lower(name), nullptr});
      }
    }
    for (const std::string& name : e.headers) {
      link.exclusions.push_back(Exclusion{Var::request_headers, lower(name), nullptr});
    }
    for (const std::string& name : e.cookies) {
      link.exclusions.push_back(Exclusion{Var::request_cookies, lower(name), nullptr});
    }
  }
}

// Rules the api profile turns off: 921110 (an HTTP method name in a body
// or query: every request about "GET"ting or "POST"ing something).
bool api_off(std::uint32_t id) { return id == 921110; }

// Whether the route keeps `rule` (and with which targets removed).
bool keep_rule(const RuleSet& set, Rule& rule, const ProgramOptions& options) {
  if (rule.phase == 5) return false;
  if (const NativeSet family = native_rule_family(rule.id);
      family != 0 && (family & options.native) == 0) {
    return false;
  }
  if (options.profile == Profile::api) {
    if (api_off(rule.id)) return false;
    rule.gate = api_gate(rule.id);
    // The attack families, CRS's and the pattern rules beside the tokenisers
    // (NoSQL, templates, LDAP: a snippet in a fence is shown, not run).
    rule.hides_code =
        (rule.id >= 930000 && rule.id < 945000) || (rule.id >= 9700600 && rule.id < 9700900);
  }
  if ((rule.phase == 3 || rule.phase == 4) && !options.inspect_response) return false;
  if (in_ranges(rule.id, set.removed_ids) || rule_has_tag(set, rule, set.removed_tags)) {
    return false;
  }
  for (const RouteExclusion& e : options.exclusions) {
    if (!named_by(set, rule, e)) continue;
    if (e.args.empty() && e.headers.empty() && e.cookies.empty()) return false;
    exclude_targets(rule, e);
  }
  return true;
}

// View variables whose values collect() reads from the request view (so
// they stay put for a phase); ARGS_GET and ARGS_POST are read as ARGS.
std::optional<Var> joinable_var(Var var) {
  switch (var) {
    case Var::args:
    case Var::args_get:
    case Var::args_post:
      return Var::args;
    case Var::args_names:
    case Var::args_get_names:
    case Var::args_post_names:
      return Var::args_names;
    case Var::request_headers:
    case Var::request_headers_names:
    case Var::request_cookies:
    case Var::request_cookies_names:
    case Var::files:
    case Var::files_names:
    case Var::multipart_part_headers:
    case Var::xml:
    case Var::request_filename:
    case Var::request_basename:
    case Var::request_uri:
    case Var::request_uri_raw:
    case Var::request_line:
    case Var::request_method:
    case Var::request_protocol:
    case Var::query_string:
    case Var::request_body:
      return var;
    default:
      return std::nullopt;
  }
}

// Links that can only match a value their operator finds in the joined
// values: a positive @rx Hyperscan decides (or prefilters) without subject
// anchors, or a positive @pm without multiMatch, over view variables only.
// A multiMatch @rx is looked for in the joined values of every step of its
// pipeline (plan_joined joins them).
bool joinable_link(const Link& link) {
  if (link.op.negated || link.targets.empty()) return false;
  if (link.multi_match && link.op.kind != OpKind::rx) return false;
  const bool rx = link.op.kind == OpKind::rx && link.op.argument.is_literal() &&
                  link.op.rx_plan.form != RxPlan::Form::pcre_only && link.op.rx_plan.joinable;
  const bool pm = link.op.kind == OpKind::pm && link.op.literals;
  if (!rx && !pm) return false;
  return std::all_of(link.targets.begin(), link.targets.end(),
                     [](const Target& t) { return !t.count && joinable_var(t.var).has_value(); });
}

// What a pipeline joins of `t`: the whole collection, except for a header
// named by a literal selector (REQUEST_HEADERS:User-Agent): the SQLi and
// XSS pipelines read two headers, and the others (a bearer token, cookies)
// would only lengthen their text and bring spurious hits.
void join_target(std::vector<Target>& vars, const Target& t) {
  Target joined{*joinable_var(t.var)};
  if (joined.var == Var::request_headers && !t.selector_regex) joined.selector = t.selector;
  const auto same_var = [&](const Target& have) { return have.var == joined.var; };
  const auto covers = [&](const Target& have) {
    return have.var == joined.var && (have.selector.empty() || have.selector == joined.selector);
  };
  if (std::any_of(vars.begin(), vars.end(), covers)) return;
  if (joined.selector.empty()) std::erase_if(vars, same_var);
  vars.push_back(std::move(joined));
}

// A link whose pattern is in a database with its own text
// (RxMatcher::own_text) joins there: its targets, and a clause for the
// values it could match and count.
bool gated_link(const Program& program, const Link& link) {
  const RxMatcher* rx = program.set->rx.get();
  return link.op.kind == OpKind::rx && !link.multi_match && rx != nullptr &&
         rx->own_text(link.op.rx_plan.db);
}

void plan_gated(Program& program, const Rule& rule, const Link& link) {
  GatedJoin& g = program.gated[link.op.rx_plan.db];
  g.pipeline = link.pipeline;
  for (const Target& t : link.targets) join_target(g.targets, t);
  ValueClause c;
  c.required = link.op.rx_plan.required;
  c.any_bytes = (c.required[0] | c.required[1] | c.required[2] | c.required[3]) == 0;
  c.gate = rule.gate;
  c.hides_code = rule.hides_code;
  g.every_value |= c.any_bytes && c.gate == OpKind::unconditional;
  g.any_bytes |= c.any_bytes;
  for (std::size_t w = 0; w < c.required.size(); ++w) g.required[w] |= c.required[w];
  for (ValueClause& have : g.clauses) {
    if (have.gate != c.gate || have.hides_code != c.hides_code) continue;
    have.any_bytes |= c.any_bytes;
    for (std::size_t w = 0; w < c.required.size(); ++w) have.required[w] |= c.required[w];
    return;
  }
  g.clauses.push_back(c);
  g.every_value |= c.any_bytes && c.gate == OpKind::unconditional;
}

void plan_joined(Program& program) {
  program.joined.assign(program.set->pipelines.size(), {});
  program.gated.assign(program.set->rx ? program.set->rx->databases() : 0, {});
  for (Rule& rule : program.rules) {
    for (Link& link : rule.links) {
      link.joined = joinable_link(link);
      if (!link.joined) continue;
      if (gated_link(program, link)) {
        plan_gated(program, rule, link);
        continue;
      }
      for (std::uint32_t node = link.pipeline;; node = program.set->pipelines[node].parent) {
        for (const Target& t : link.targets) join_target(program.joined[node], t);
        if (!link.multi_match || node == 0) break;
      }
    }
  }
}

// The slot of each joined and gated target in Program::joined_vars.
std::uint32_t joined_slot(Program& program, const Target& t) {
  for (std::uint32_t s = 0; s < program.joined_vars.size(); ++s) {
    const Target& have = program.joined_vars[s];
    if (have.var == t.var && have.selector == t.selector) return s;
  }
  program.joined_vars.push_back(t);
  return static_cast<std::uint32_t>(program.joined_vars.size() - 1);
}

void plan_joined_slots(Program& program) {
  program.joined_slots.assign(program.joined.size(), {});
  for (std::size_t node = 0; node < program.joined.size(); ++node) {
    for (const Target& t : program.joined[node]) {
      program.joined_slots[node].push_back(joined_slot(program, t));
    }
  }
  for (GatedJoin& g : program.gated) {
    g.slots.clear();
    for (const Target& t : g.targets) g.slots.push_back(joined_slot(program, t));
  }
  // The links' own targets of the same variables: one collection a phase
  // serves the joined texts and every link (not counts, regex selectors or
  // TX, which the view does not hold as they are).
  std::array<bool, 256> joined_var{};
  static_assert(sizeof(Var) == 1);
  for (const Target& t : program.joined_vars) joined_var[static_cast<std::size_t>(t.var)] = true;
  for (Rule& rule : program.rules) {
    for (Link& link : rule.links) {
      for (Target& t : link.targets) {
        if (t.count || t.selector_regex || t.var == Var::tx) continue;
        if (!joined_var[static_cast<std::size_t>(t.var)]) continue;
        t.view_slot = joined_slot(program, t);
      }
    }
  }
}

// TX:/regex/ targets read every TX name the rule set knows, per request:
// which of those names a regex selects is known at load.
void plan_tx_selectors(Program& program) {
  const TxNames& names = program.set->tx;
  pattern::ConfirmScratch scratch;
  for (Rule& rule : program.rules) {
    for (Link& link : rule.links) {
      for (Target& t : link.targets) {
        if (t.var != Var::tx || !t.selector_regex || t.tx_slot != kNoSlot) continue;
        t.tx_selected.clear();
        t.tx_selected_known = true;
        for (std::uint32_t s = 0; s < names.size() && t.tx_selected_known; ++s) {
          const pattern::Confirm c = t.selector_regex->match(names.name(s), scratch);
          if (c == pattern::Confirm::match) t.tx_selected.push_back(s);
          t.tx_selected_known = c != pattern::Confirm::limit;  // unknown: decide per request
        }
      }
    }
  }
}

}  // namespace

void index_program(Program& program) {
  std::stable_sort(program.rules.begin(), program.rules.end(),
                   [](const Rule& a, const Rule& b) { return a.phase < b.phase; });
  std::uint32_t i = 0;
  for (int phase = 0; phase <= 6; ++phase) {
    while (i < program.rules.size() && program.rules[i].phase < phase) ++i;
    program.phase_begin[static_cast<std::size_t>(phase)] = i;
  }
  const std::vector<Marker>& markers = program.set->markers;
  for (std::uint32_t r = 0; r < program.rules.size(); ++r) {
    Rule& rule = program.rules[r];
    rule.skip_to = kNoRule;
    if (rule.skip_after.empty()) continue;
    const std::uint32_t end = program.phase_begin[rule.phase + 1u];
    std::uint32_t marker = 0xFFFFFFFFu;
    for (const Marker& m : markers) {
      if (m.name == rule.skip_after && m.order > rule.order) {
        marker = std::min(marker, m.order);
      }
    }
    std::uint32_t to = r + 1;
    while (to < end && program.rules[to].order < marker) ++to;
    rule.skip_to = to;
  }
}

JoinGate join_gate(const Link& link) {
  JoinGate gate;
  gate.joined = link.joined && !link.targets.empty();
  gate.multi_match = link.multi_match;
  gate.kind = link.op.kind;
  gate.pipeline = link.pipeline;
  gate.db = link.op.rx_plan.db;
  gate.entry = link.op.rx_plan.entry;
  gate.literals = link.op.literals.get();
  gate.word_group = link.op.word_group;
  gate.word_member = link.op.word_member;
  return gate;
}

std::shared_ptr<const Program> make_program(std::shared_ptr<const RuleSet> set,
                                            const ProgramOptions& options) {
  auto program = std::make_shared<Program>();
  program->set = set;
  program->paranoia = options.paranoia;
  program->profile = options.profile;
  program->decode = options.decode;
  for (const Rule& rule : set->rules) {
    Rule copy = rule;
    if (keep_rule(*set, copy, options)) {
      program->rules.push_back(std::move(copy));
    } else {
      ++program->excluded;
    }
  }
  TxState initial;
  initial.resize(set->tx.size());
  auto preset = [&](std::string_view name, std::string_view value) {
    const std::uint32_t slot = set->tx.find(lower(name));
    if (slot == kNoSlot) return initial.set_dynamic(lower(name), value);
    initial.set(slot, value);
  };
  preset("paranoia_level", std::to_string(options.paranoia));
  if (options.anomaly_threshold > 0) {
    preset("inbound_anomaly_score_threshold", std::to_string(options.anomaly_threshold));
  }
  // REST APIs take PUT, PATCH and DELETE (CRS's default list has none of them).
  if (options.profile == Profile::api) {
    preset("allowed_methods", "GET HEAD POST OPTIONS PUT PATCH DELETE");
  }
  for (const auto& [name, value] : options.tx) preset(name, value);
  program->tx_initial = std::move(initial);
  index_program(*program);
  fold_constants(*program);
  plan_joined(*program);
  plan_joined_slots(*program);
  plan_tx_selectors(*program);
  program->gates.reserve(program->rules.size());
  for (const Rule& rule : program->rules) {
    program->gates.push_back(rule.links.empty() ? JoinGate{} : join_gate(rule.links.front()));
  }
  return program;
}

}  // namespace centinela::waf
