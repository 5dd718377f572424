#include "waf/fold.h"

#include "pattern/confirmer.h"
#include "pattern/matcher.h"
#include "stage/arena.h"
#include "waf/evaluation.h"

namespace centinela::waf {

namespace {

// What a rule reads and writes of TX, and whether it reads anything else.
struct Facts {
  bool constant_shape = true;  // reads TX by name only (or nothing)
  bool reads_all = false;      // TX as a whole or by regex
  std::vector<std::uint32_t> reads, writes;
};

void macro_reads(const Macro& macro, Facts& f) {
  for (const MacroPart& part : macro.parts) {
    if (part.kind == MacroPart::Kind::tx) f.reads.push_back(part.slot);
    if (part.kind == MacroPart::Kind::var) f.constant_shape = false;
  }
}

void link_facts(const Link& link, Facts& f) {
  for (const Target& t : link.targets) {
    if (t.var != Var::tx) {
      f.constant_shape = false;
    } else if (t.tx_slot != kNoSlot) {
      f.reads.push_back(t.tx_slot);
    } else {
      f.reads_all = true;
      f.constant_shape = false;
    }
  }
  switch (link.op.kind) {
    case OpKind::pm:
    case OpKind::never:
    case OpKind::detect_sqli:
    case OpKind::detect_xss:
    case OpKind::detect_shell:
    case OpKind::detect_path:
      f.constant_shape = false;
      break;
    default:
      macro_reads(link.op.argument, f);
  }
  if (link.capture) {
    for (std::uint32_t d = 0; d < 10; ++d) f.writes.push_back(d);
  }
  for (const SetVar& sv : link.setvars) {
    if (sv.slot != kNoSlot) {
      f.writes.push_back(sv.slot);
    } else {
      f.constant_shape = false;
      macro_reads(sv.dynamic_name, f);
    }
    macro_reads(sv.value, f);
  }
}

Facts facts_of(const Rule& rule) {
  Facts f;
  for (const Link& link : rule.links) link_facts(link, f);
  for (const Ctl& ctl : rule.ctls) {
    if (ctl.kind != Ctl::Kind::remove_by_id && ctl.kind != Ctl::Kind::remove_by_tag) {
      f.constant_shape = false;
    }
  }
  return f;
}

// A rule whose firing must stay visible at run time (a finding, a verdict).
bool visible(const Rule& rule) {
  return rule.log || rule.disruptive == Disruptive::deny || rule.disruptive == Disruptive::drop ||
         rule.disruptive == Disruptive::allow;
}

void apply_removals(const Program& program, std::uint32_t i, std::vector<std::uint8_t>& removed) {
  for (const Ctl& ctl : program.rules[i].ctls) {
    for (std::uint32_t j = i + 1; j < program.rules.size(); ++j) {
      const Rule& r = program.rules[j];
      if (ctl.kind == Ctl::Kind::remove_by_id ? (r.id >= ctl.id_first && r.id <= ctl.id_last)
                                              : program.has_tag(r, ctl.tag)) {
        removed[j] = 1;
      }
    }
  }
}

struct Round {
  std::vector<std::uint8_t> removed;
  TxState tx;
  bool reclassified = false;
};

// Runs the constant rules in order from the presets.
Round simulate(const Program& program, std::vector<std::uint8_t>& runtime) {
  Round round;
  round.removed.assign(program.rules.size(), 0);
  stage::Arena arena;
  RequestView empty(arena);
  pattern::ConfirmScratch confirm;
  pattern::Scratch scan;
  Evaluation ev(program, empty, {confirm, scan}, EngineMode::detection_only);
  for (std::uint32_t i = 0; i < program.rules.size(); ++i) {
    if (round.removed[i] || runtime[i]) continue;
    const Evaluation::Step step = ev.run_rule(i);
    if (!step.matched) continue;
    if (visible(program.rules[i])) {
      runtime[i] = 1;
      round.reclassified = true;
      return round;
    }
    for (std::uint32_t j = i + 1; j < step.next; ++j) round.removed[j] = 1;
    apply_removals(program, i, round.removed);
  }
  round.tx = ev.tx();
  return round;
}

// Constant rules that read what a run-time rule writes, or write what an
// earlier run-time rule reads, become run-time rules.
bool reclassify(const Program& program, const std::vector<Facts>& facts,
                const std::vector<std::uint8_t>& removed, std::vector<std::uint8_t>& runtime) {
  const std::size_t slots = program.set->tx.size();
  std::vector<std::uint8_t> written(slots, 0), read_before(slots, 0);
  for (std::size_t i = 0; i < facts.size(); ++i) {
    if (removed[i] || !runtime[i]) continue;
    for (std::uint32_t w : facts[i].writes) written[w] = 1;
  }
  bool changed = false, reads_all_before = false;
  for (std::size_t i = 0; i < facts.size(); ++i) {
    if (removed[i]) continue;
    const Facts& f = facts[i];
    if (runtime[i]) {
      for (std::uint32_t r : f.reads) read_before[r] = 1;
      reads_all_before |= f.reads_all;
      continue;
    }
    bool conflict = false;
    for (std::uint32_t r : f.reads) conflict |= written[r] != 0;
    for (std::uint32_t w : f.writes) conflict |= read_before[w] != 0 || reads_all_before;
    if (conflict) {
      runtime[i] = 1;
      changed = true;
    }
  }
  return changed;
}

// An @rx pattern with macros of TX values no run-time rule writes becomes
// a pattern of its own for this program.
void resolve_pattern_macros(Program& program) {
  std::vector<std::uint8_t> written(program.set->tx.size(), 0);
  for (const Rule& rule : program.rules) {
    Facts f;
    for (const Link& link : rule.links) link_facts(link, f);
    for (std::uint32_t w : f.writes) written[w] = 1;
  }
  for (Rule& rule : program.rules) {
    for (Link& link : rule.links) {
      Operator& op = link.op;
      if (op.kind != OpKind::rx || op.argument.is_literal()) continue;
      bool constant = true;
      std::string pattern;
      for (const MacroPart& part : op.argument.parts) {
        if (part.kind == MacroPart::Kind::literal) pattern += part.text;
        if (part.kind == MacroPart::Kind::tx) {
          constant &= !written[part.slot];
          pattern += program.tx_initial.get(part.slot);
        }
        constant &= part.kind != MacroPart::Kind::var;
      }
      std::string error;
      std::shared_ptr<const pattern::Confirmer> re =
          constant ? pattern::Confirmer::compile(pattern, error) : nullptr;
      if (!re) {
        program.notes.push_back(
            rule.where + ": rule " + std::to_string(rule.id) +
            ": @rx macros not resolved at load; the pattern is used as written");
        continue;
      }
      op.regex = std::move(re);
      op.source = pattern;
      op.rx_plan.form = RxPlan::Form::pcre_only;
    }
  }
}

}  // namespace

void fold_constants(Program& program) {
  const std::size_t n = program.rules.size();
  std::vector<Facts> facts(n);
  std::vector<std::uint8_t> runtime(n);
  for (std::size_t i = 0; i < n; ++i) {
    facts[i] = facts_of(program.rules[i]);
    runtime[i] = !facts[i].constant_shape;
  }
  Round round;
  for (std::size_t attempt = 0; attempt <= n; ++attempt) {
    round = simulate(program, runtime);
    if (round.reclassified) continue;
    if (!reclassify(program, facts, round.removed, runtime)) break;
  }
  std::vector<Rule> kept;
  for (std::size_t i = 0; i < n; ++i) {
    if (!round.removed[i] && runtime[i]) kept.push_back(std::move(program.rules[i]));
  }
  program.folded = n - kept.size();
  program.rules = std::move(kept);
  program.tx_initial = std::move(round.tx);
  index_program(program);
  resolve_pattern_macros(program);
}

}  // namespace centinela::waf
