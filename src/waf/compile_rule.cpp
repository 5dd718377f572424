// One SecRule/SecAction (with its chain) compiled into a waf::Rule.
#include <algorithm>
#include <charconv>

#include "pattern/confirmer.h"
#include "waf/compile_detail.h"
#include "waf/text.h"

namespace centinela::waf::detail {

std::string location(const seclang::Location& where) {
  return where.file + ":" + std::to_string(where.line);
}

namespace {

bool word_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// A regex selector that only asks for a word (letters, digits, '_', '-'):
// `^word`, `word`, either followed by `.*` or by one of the word's bytes
// with `*` (MULTIPART_HEADERS_CONTENT_TYPES_*), which match the empty string
// too. The (caseless) regex selects the names holding the word in any case
// (at their start with `^`). Nothing for any other regex.
std::optional<SelectorWord> selector_word(std::string_view regex) {
  SelectorWord out;
  if (regex.starts_with('^')) {
    out.anchored = true;
    regex.remove_prefix(1);
  }
  if (regex.ends_with(".*")) {
    regex.remove_suffix(2);
  } else if (regex.size() >= 2 && regex.back() == '*' && word_byte(regex[regex.size() - 2])) {
    regex.remove_suffix(2);  // a byte that may be absent: the word before it
  }
  if (regex.empty()) return std::nullopt;
  if (!std::all_of(regex.begin(), regex.end(), word_byte)) return std::nullopt;
  out.word = lower(regex);
  return out;
}

bool add_variable(const seclang::Variable& v, Link& link, CompileContext& ctx) {
  const std::optional<Var> var = var_from_name(v.collection);
  if (!var) {
    ctx.error = "unknown variable " + v.collection;
    return false;
  }
  if (is_persistent(*var)) {
    ctx.partial.push_back("collection " + v.collection + " is not kept (always empty)");
  }
  // XML:/xpath — only the document's text is kept, whatever the path.
  const bool regex_selector = v.selector_is_regex && *var != Var::xml;
  std::shared_ptr<const pattern::Confirmer> re;
  if (regex_selector) {
    re = regex("(?i)" + v.selector, ctx);
    if (!re) return false;
  }
  if (v.exclude) {
    link.exclusions.push_back(Exclusion{*var, lower(v.selector), re});
    return true;
  }
  Target t;
  t.var = *var;
  t.count = v.count;
  t.selector_regex = re;
  if (regex_selector) t.selector_word = selector_word(v.selector);
  if (!regex_selector) t.selector = lower(v.selector);  // XML: the XPath (/*, //@*)
  if (*var == Var::tx && !t.selector.empty()) t.tx_slot = ctx.set.tx.slot(t.selector);
  link.targets.push_back(std::move(t));
  return true;
}

// `tx.name=value`, `tx.name=+n`, `tx.name=-n`, `!tx.name`, `tx.name`.
void add_setvar(std::string_view text, const seclang::Rule& rule, Link& link, CompileContext& ctx) {
  SetVar sv;
  if (!text.empty() && text.front() == '!') {
    sv.op = SetVar::Op::unset;
    text.remove_prefix(1);
  }
  std::string_view name = text, value;
  const std::size_t eq = text.find('=');
  if (eq != std::string_view::npos) {
    name = text.substr(0, eq);
    value = text.substr(eq + 1);
    if (!value.empty() && (value.front() == '+' || value.front() == '-')) {
      sv.op = value.front() == '+' ? SetVar::Op::add : SetVar::Op::subtract;
      value.remove_prefix(1);
    }
  } else if (sv.op != SetVar::Op::unset) {
    value = "1";
  }
  const std::size_t dot = name.find('.');
  if (dot == std::string_view::npos || !iequals(name.substr(0, dot), "tx")) {
    ctx.partial.push_back("setvar on " + std::string(name) + ": only TX is kept");
    return;
  }
  const std::string key = lower(name.substr(dot + 1));
  if (key.find("%{") != std::string::npos) {
    sv.dynamic_name = parse_macro(key, ctx, rule);
  } else {
    sv.slot = ctx.set.tx.slot(key);
  }
  sv.value = parse_macro(value, ctx, rule);
  link.setvars.push_back(std::move(sv));
}

void add_ctl(const seclang::Ctl& c, Rule& out, CompileContext& ctx) {
  Ctl ctl;
  const std::string name = lower(c.name);
  std::string_view value = c.value;
  std::string_view subject = value.substr(0, value.find(';'));
  if (const std::size_t semi = value.find(';'); semi != std::string_view::npos) {
    ctl.target_key = lower(value.substr(semi + 1));
  }
  if (name == "ruleremovebyid" || name == "ruleremovetargetbyid") {
    ctl.kind = name == "ruleremovebyid" ? Ctl::Kind::remove_by_id : Ctl::Kind::remove_target_by_id;
    const std::size_t dash = subject.find('-');
    const std::string_view first = subject.substr(0, dash);
    const std::string_view last = dash == std::string_view::npos ? first : subject.substr(dash + 1);
    std::from_chars(first.data(), first.data() + first.size(), ctl.id_first);
    std::from_chars(last.data(), last.data() + last.size(), ctl.id_last);
  } else if (name == "ruleremovebytag" || name == "ruleremovetargetbytag") {
    ctl.kind =
        name == "ruleremovebytag" ? Ctl::Kind::remove_by_tag : Ctl::Kind::remove_target_by_tag;
    ctl.tag = std::string(subject);
  } else if (name == "ruleengine") {
    ctl.kind = iequals(subject, "off")             ? Ctl::Kind::engine_off
               : iequals(subject, "detectiononly") ? Ctl::Kind::engine_detect
                                                   : Ctl::Kind::engine_on;
  } else if (name != "auditlogparts" && name != "auditengine" && name != "requestbodyaccess" &&
             name != "forcerequestbodyvariable" && name != "requestbodyprocessor") {
    ctx.partial.push_back("ctl:" + std::string(c.name) + " is not supported");
    return;
  }
  out.ctls.push_back(std::move(ctl));
}

// Actions of any link: transformations, setvar, capture, multiMatch, ctl.
bool link_actions(const seclang::Rule& rule, Link& link, Rule& out, CompileContext& ctx) {
  std::uint32_t node = 0;
  for (std::string_view name : rule.transformations()) {
    const std::optional<decode::Transform> t = decode::transform_from_name(name);
    if (!t) {
      ctx.error = "transformation " + std::string(name) + " is not supported";
      return false;
    }
    node = ctx.set.pipeline(node, *t);
  }
  link.pipeline = node;
  link.capture = rule.has("capture");
  link.multi_match = rule.has("multiMatch");
  for (std::string_view sv : rule.setvars()) add_setvar(sv, rule, link, ctx);
  for (const seclang::Ctl& c : rule.ctls()) add_ctl(c, out, ctx);
  for (const seclang::Action& a : rule.actions) {
    if (a.name == "initcol" || a.name == "expirevar" || a.name == "setuid" || a.name == "setsid" ||
        a.name == "exec" || a.name == "deprecatevar" || a.name == "setenv" ||
        a.name == "sanitiseMatched" || a.name == "sanitiseArg") {
      ctx.partial.push_back(a.name + " is not supported");
    }
    if (a.name == "msg") out.msg = parse_macro(a.value, ctx, rule);
    if (a.name == "logdata") out.logdata = parse_macro(a.value, ctx, rule);
  }
  return true;
}

std::optional<Link> compile_link(const seclang::Rule& rule, Rule& out, CompileContext& ctx) {
  Link link;
  if (rule.is_action) {
    link.op.kind = OpKind::unconditional;
  } else {
    for (const seclang::Variable& v : rule.variables) {
      if (!add_variable(v, link, ctx)) return std::nullopt;
    }
    link.op = compile_operator(rule.op, rule, ctx);
    if (!ctx.error.empty()) return std::nullopt;
  }
  if (!link_actions(rule, link, out, ctx)) return std::nullopt;
  return link;
}

Disruptive disruptive_of(const seclang::Rule& rule, const Defaults& defaults) {
  for (const seclang::Action& a : rule.actions) {
    if (a.name == "deny") return Disruptive::deny;
    if (a.name == "drop") return Disruptive::drop;
    if (a.name == "allow") return Disruptive::allow;
    if (a.name == "pass") return Disruptive::pass;
    if (a.name == "block") return defaults.disruptive;  // SecDefaultAction decides
  }
  return defaults.disruptive;
}

}  // namespace

std::optional<Rule> compile_rule(const seclang::Rule& rule, CompileContext& ctx) {
  Rule out;
  out.where = location(rule.where);
  out.id = rule.id().value_or(0);
  out.phase = static_cast<std::uint8_t>(rule.phase().value_or(2));
  const Defaults& defaults = ctx.defaults[out.phase];
  out.severity = static_cast<std::uint8_t>(rule.severity().value_or(0xFF));
  out.log = rule.has("nolog") ? false : rule.has("log") ? true : defaults.log;
  out.disruptive = disruptive_of(rule, defaults);
  for (std::string_view tag : rule.tags()) out.tags.push_back(ctx.set.tag_index(tag));
  if (const seclang::Action* a = rule.find("skipAfter")) out.skip_after = a->value;
  if (rule.has("skip")) ctx.partial.push_back("skip is not supported (skipAfter is)");
  std::optional<Link> first = compile_link(rule, out, ctx);
  if (!first) return std::nullopt;
  out.links.push_back(std::move(*first));
  for (const seclang::Rule& next : rule.chain) {
    std::optional<Link> link = compile_link(next, out, ctx);
    if (!link) return std::nullopt;
    out.links.push_back(std::move(*link));
  }
  return out;
}

}  // namespace centinela::waf::detail
