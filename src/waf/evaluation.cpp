#include "waf/evaluation.h"

#include <algorithm>

#include "pattern/confirmer.h"
#include "waf/eval_buffers.h"
#include "waf/text.h"

namespace centinela::waf {

Evaluation::Evaluation(const Program& program, const RequestView& view, EvalScratch scratch,
                       EngineMode mode, EvalLimits limits)
    : program_(program),
      view_(view),
      scratch_(scratch),
      mode_(mode),
      limits_(limits),
      buffers_(acquire_buffers()),
      tx_(&buffers_->tx) {
  *tx_ = program.tx_initial;
  tx_->resize(program.set->tx.size());
  if (buffers_->joined_vars.size() < program.joined_vars.size()) {
    buffers_->joined_vars.resize(program.joined_vars.size());
  }
  plan_chains();
}

// Nothing in the buffers but TX outlives a phase: the rest are caches
// stamped with the buffers' own request and phase, which acquiring bumps.
void Evaluation::suspend() {
  if (!buffers_) return;
  std::swap(suspended_tx_, buffers_->tx);
  tx_ = &suspended_tx_;
  buffers_.reset();
}

void Evaluation::resume() {
  buffers_ = acquire_buffers();
  std::swap(suspended_tx_, buffers_->tx);
  tx_ = &buffers_->tx;
  if (buffers_->joined_vars.size() < program_.joined_vars.size()) {
    buffers_->joined_vars.resize(program_.joined_vars.size());
  }
  plan_chains();
}

std::int64_t Evaluation::anomaly_score() const {
  const std::uint32_t slot = program_.set->tx.find("anomaly_score");
  return slot == kNoSlot ? 0 : to_number(tx_->get(slot));
}

bool Evaluation::run_phase(int phase) {
  if (stopped_ || mode_ == EngineMode::off || phase < 1 || phase > 5) return !stopped_;
  if (!buffers_) resume();
  new_phase();  // when the view has grown (the body): join its values again
  const std::uint32_t end = program_.phase_begin[static_cast<std::size_t>(phase) + 1];
  const bool gated = program_.gates.size() == program_.rules.size();
  for (std::uint32_t i = program_.phase_begin[static_cast<std::size_t>(phase)]; i < end;) {
    // A rule whose first link the joined texts rule out does not match:
    // what run_rule would do, without reading the rule (a removed one
    // is left to run_rule, which does not clear MATCHED_VAR for it).
    if (gated && program_.gates[i].joined && removed_ids_.empty() && removed_tags_.empty() &&
        !joined_may_match(program_.gates[i])) {
      matched_var_.clear();
      matched_var_name_.clear();
      matched_vars_used_ = 0;
      ++i;
      continue;
    }
    i = run_rule(i).next;
    if (stopped_ || mode_ == EngineMode::off) break;
  }
  return !stopped_;
}

Evaluation::Step Evaluation::run_rule(std::uint32_t index) {
  Step step{false, index + 1};
  // Most requests remove no rule at run time: then no call per rule.
  const bool removes_any = !removed_ids_.empty() || !removed_tags_.empty();
  if (removes_any && removed(index)) return step;
  const Rule& rule = program_.rules[index];
  step.matched = eval_link(rule, 0);
  if (!step.matched) return step;
  after_full_match(rule, index);
  if (rule.skip_to != kNoRule) step.next = rule.skip_to;
  return step;
}

bool Evaluation::removed(std::uint32_t index) const {
  const Rule& rule = program_.rules[index];
  for (const auto& [first, last] : removed_ids_) {
    if (rule.id >= first && rule.id <= last) return true;
  }
  for (const std::string& tag : removed_tags_) {
    if (program_.has_tag(rule, tag)) return true;
  }
  return false;
}

bool Evaluation::eval_link(const Rule& rule, std::size_t link_index) {
  const Link& link = rule.links[link_index];
  bool matched = false;
  if (link.targets.empty()) {
    matched = link.op.kind == OpKind::unconditional;  // SecAction
    if (matched) {
      for (const SetVar& sv : link.setvars) run_setvar(sv);
    }
  } else if (link.joined && !joined_may_match(join_gate(link))) {
    matched = false;  // no value can match: its pattern misses them all
  } else {
    for (const Target& target : link.targets) matched |= eval_target(rule, link, target, matched);
  }
  if (!matched) {
    matched_var_.clear();
    matched_var_name_.clear();
    matched_vars_used_ = 0;
    return false;
  }
  if (link_index + 1 < rule.links.size()) return eval_link(rule, link_index + 1);
  return true;
}

// `matched`: whether an earlier target of the link matched. A decoded view
// counts only for a rule its value did not already match: one attack, one
// score.
bool Evaluation::eval_target(const Rule& rule, const Link& link, const Target& target,
                             bool matched) {
  Buffers& b = *buffers_;
  // Most links exclude nothing: no call per value for them.
  const bool may_exclude = !link.exclusions.empty() || !removed_targets_.empty();
  if (target.view_slot != kNoSlot) {
    // A view variable: its values and their byte masks, collected once per
    // phase for every link (and joined text) that reads it. A value whose
    // mask closes the link's gate is one the operator cannot match: the
    // tests run_operator would make, without the framework's calls.
    const ValueGate gate = value_gate(link);
    const std::uint32_t var = target.view_slot;
    joined_var(var);
    // A gate closed by all the values' bytes together (argument names hold
    // no SQL, markup or path byte) closes on each: none is read.
    if (gate != ValueGate::none && link.op.kind != OpKind::detect_shell &&
        gate_closes(link, gate, {}, b.joined_vars[var].any_value)) {
      return matched;
    }
    for (std::size_t i = 0; i < b.joined_vars[var].values.size(); ++i) {
      const Buffers::JoinedVar& joined = b.joined_vars[var];
      const Value& v = joined.values[i];
      if (v.decoded != 0 && matched) continue;
      if (gate != ValueGate::none && v.stable &&
          gate_closes(link, gate, v.value.substr(0, limits_.value_bytes), joined.masks[i])) {
        continue;
      }
      if (may_exclude && excluded(rule, link, v)) continue;
      matched |= eval_value(rule, link, v, &joined.masks[i]);
    }
    return matched;
  }
  // Not re-entered while in use: a chain's next link runs after the loop,
  // and macros collect into their own vector.
  std::vector<Value>& values = b.link_values;
  values.clear();
  collect(target, values);
  for (const Value& v : values) {
    if (v.decoded != 0 && matched) continue;
    if (may_exclude && excluded(rule, link, v)) continue;
    matched |= eval_value(rule, link, v, nullptr);
  }
  return matched;
}

bool Evaluation::is_tokeniser(OpKind kind) {
  return kind == OpKind::detect_sqli || kind == OpKind::detect_xss ||
         kind == OpKind::detect_shell || kind == OpKind::detect_path;
}

// Whether `target` reads a view variable some joined text reads (so
// collect() gives the same values all phase long: joined_var keeps them).
// `mask`: the byte set of v's (bounded) bytes, when the caller holds it.
bool Evaluation::eval_value(const Rule& rule, const Link& link, const Value& v,
                            const ByteMask* mask) {
  const auto& nodes = program_.set->pipelines;
  // multiMatch: the operator sees the value after every transformation.
  std::uint32_t chain[16];
  std::size_t steps = 0;
  if (link.multi_match) {
    for (std::uint32_t n = link.pipeline; n != 0 && steps < 15; n = nodes[n].parent) {
      chain[steps++] = n;
    }
    chain[steps++] = 0;
    std::reverse(chain, chain + steps);
  } else {
    chain[steps++] = link.pipeline;
  }
  // Profile::api: the attack families read a value without what it carries
  // as data (eval_gate.cpp): markdown code fences blanked, an image data URI
  // not at all.
  Value hidden;
  const Value* input = &v;
  if (rule.hides_code && v.stable) {
    const std::string_view seen = tokenised(v.value);
    if (seen.data() != v.value.data()) {
      if (seen.empty()) return false;
      hidden = Value{v.var, v.name, keep(std::string(seen)), false, v.decoded};
      input = &hidden;
    }
  }
  if (input != &v) mask = nullptr;  // the mask is v's
  const std::string_view base = v.value.substr(0, limits_.value_bytes);
  if (mask != nullptr) known_mask_ = {base.data(), base.size(), mask};
  bool matched = false;
  std::string_view previous;
  for (std::size_t s = 0; s < steps; ++s) {
    const std::string_view value =
        mask != nullptr ? transformed(v, chain[s], *mask) : transformed(*input, chain[s]);
    if (s > 0 && value == previous) continue;
    previous = value;
    if (!run_operator(link.op, value, link.capture, input->stable, shareable(*input))) continue;
    if (rule.gate != OpKind::unconditional && v.stable &&
        !gate_confirms(rule.gate, *input, value)) {
      continue;
    }
    matched = true;
    matched_decoded_ = v.decoded;
    matched_var_.assign(value.substr(0, limits_.value_bytes));
    key_of(v, matched_var_name_);
    // The entries past matched_vars_used_ keep their strings' capacity.
    if (matched_vars_used_ == matched_vars_.size()) matched_vars_.emplace_back();
    matched_vars_[matched_vars_used_].first.assign(matched_var_name_);
    matched_vars_[matched_vars_used_].second.assign(matched_var_);
    ++matched_vars_used_;
    for (const SetVar& sv : link.setvars) run_setvar(sv);
  }
  known_mask_ = {};
  return matched;
}

void Evaluation::key_of(const Value& v, std::string& key) const {
  key.assign(var_name(v.var));
  if (!v.name.empty() || is_collection(v.var)) {
    key.push_back(':');
    key.append(v.name);
  }
}

bool Evaluation::excluded(const Rule& rule, const Link& link, const Value& v) {
  for (const Exclusion& e : link.exclusions) {
    if (e.regex) {
      // ModSecurity 3 tries a regex exclusion on the key whatever its collection.
      if (excluded_by(*e.regex, v)) return true;
    } else if (e.var == v.var && iequals(e.key, v.name)) {
      return true;
    }
  }
  if (removed_targets_.empty()) return false;
  std::string key;
  key_of(v, key);
  for (char& c : key) c = lower_byte(c);
  for (const TargetRemoval& r : removed_targets_) {
    if (r.key != key) continue;
    if (r.tag.empty() ? (rule.id >= r.id_first && rule.id <= r.id_last)
                      : program_.has_tag(rule, r.tag)) {
      return true;
    }
  }
  return false;
}

// CRS repeats a few regex exclusions (!REQUEST_COOKIES:/__utm/) on
// hundreds of rules, each tried on every key: once per (regex, key) and
// request here. The compiler shares one Confirmer per source, so its
// address names the regex.
bool Evaluation::excluded_by(const pattern::Confirmer& regex, const Value& v) {
  if (!v.stable) return regex.match(v.name, scratch_.confirm) == pattern::Confirm::match;
  Buffers& b = *buffers_;
  if (b.exclusion_request != b.request) {
    b.exclusion_regexes.clear();
    b.exclusion_request = b.request;
  }
  const auto at = std::find(b.exclusion_regexes.begin(), b.exclusion_regexes.end(), &regex);
  const auto id = static_cast<std::uint32_t>(at - b.exclusion_regexes.begin());
  if (at == b.exclusion_regexes.end()) b.exclusion_regexes.push_back(&regex);
  const StampedTable<bool>::Key key{v.name.data(), v.name.size(), id};
  if (const bool* known = b.excluded_keys.find(key, b.request)) return *known;
  const bool match = regex.match(v.name, scratch_.confirm) == pattern::Confirm::match;
  b.excluded_keys.insert(key, b.request) = match;
  return match;
}

void Evaluation::after_full_match(const Rule& rule, std::uint32_t index) {
  for (const Ctl& ctl : rule.ctls) run_ctl(ctl);
  if (rule.log) {
    ++findings_total_;
    if (findings_.size() < limits_.findings) {
      Finding f;
      f.rule = rule.id;
      f.phase = rule.phase;
      f.severity = rule.severity;
      f.index = index;
      f.target = matched_var_name_;
      f.value = matched_var_.substr(0, limits_.finding_bytes);
      f.decoded = matched_decoded_;
      expand(rule.msg, f.msg);
      expand(rule.logdata, f.logdata);
      if (f.logdata.size() > limits_.finding_bytes) f.logdata.resize(limits_.finding_bytes);
      findings_.push_back(std::move(f));
    }
  }
  switch (rule.disruptive) {
    case Disruptive::deny:
    case Disruptive::drop:
      if (disruptive_ == Disruptive::none) {
        disruptive_ = rule.disruptive;
        disruptive_rule_ = rule.id;
      }
      if (mode_ == EngineMode::on) stopped_ = true;
      break;
    case Disruptive::allow:
      stopped_ = true;
      break;
    default:
      break;
  }
}

void Evaluation::run_setvar(const SetVar& sv) {
  std::uint32_t slot = sv.slot;
  // The evaluation's buffers: 920450 names a TX variable per header.
  std::string& dynamic = setvar_name_;
  dynamic.clear();
  if (slot == kNoSlot) {
    expand(sv.dynamic_name, dynamic);
    for (char& c : dynamic) c = lower_byte(c);
    slot = program_.set->tx.find(dynamic);
  }
  if (sv.op == SetVar::Op::unset) {
    slot == kNoSlot ? tx_->unset_dynamic(dynamic) : tx_->unset(slot);
    return;
  }
  std::string& value = setvar_value_;
  value.clear();
  expand(sv.value, value);
  if (sv.op != SetVar::Op::set) {
    const std::string* old = slot == kNoSlot ? tx_->find_dynamic(dynamic) : nullptr;
    const std::int64_t current =
        slot == kNoSlot ? (old ? to_number(*old) : 0) : to_number(tx_->get(slot));
    const std::int64_t delta = to_number(value);
    value = std::to_string(sv.op == SetVar::Op::add ? current + delta : current - delta);
  }
  slot == kNoSlot ? tx_->set_dynamic(dynamic, value) : tx_->set(slot, value);
}

void Evaluation::run_ctl(const Ctl& ctl) {
  switch (ctl.kind) {
    case Ctl::Kind::remove_by_id:
      removed_ids_.emplace_back(ctl.id_first, ctl.id_last);
      break;
    case Ctl::Kind::remove_by_tag:
      removed_tags_.push_back(ctl.tag);
      break;
    case Ctl::Kind::remove_target_by_id:
      removed_targets_.push_back({ctl.id_first, ctl.id_last, {}, ctl.target_key});
      break;
    case Ctl::Kind::remove_target_by_tag:
      removed_targets_.push_back({0, 0, ctl.tag, ctl.target_key});
      break;
    case Ctl::Kind::engine_off:
      mode_ = EngineMode::off;
      break;
    case Ctl::Kind::engine_detect:
      mode_ = EngineMode::detection_only;
      break;
    case Ctl::Kind::engine_on:
      if (mode_ != EngineMode::off) mode_ = EngineMode::on;
      break;
    case Ctl::Kind::ignored:
      break;
  }
}

std::string_view Evaluation::keep(std::string value) {
  Buffers& b = *buffers_;
  b.next_string() = std::move(value);
  return b.commit_string();
}

void Evaluation::expand(const Macro& macro, std::string& out) {
  std::vector<Value>& values = macro_values_;
  for (const MacroPart& part : macro.parts) {
    switch (part.kind) {
      case MacroPart::Kind::literal:
        out.append(part.text);
        break;
      case MacroPart::Kind::tx:
        out.append(tx_->get(part.slot));
        break;
      case MacroPart::Kind::var:
        values.clear();
        collect(part.target, values);
        if (!values.empty()) out.append(values.front().value);
        break;
    }
  }
}

}  // namespace centinela::waf
