// What one route runs: the rules of one paranoia level with the route's
// exclusions applied, ordered by phase, skipAfter resolved to indices, and
// everything the configuration decides at load folded away — crs-setup's
// and 901's TX defaults become the initial TX values, the paranoia-level
// skip rules and the disabled 903 application packages vanish with the
// rules they skip.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "waf/builtin_rules.h"
#include "waf/ruleset.h"
#include "waf/tx_state.h"

namespace centinela::waf {

// A route's exclusion (ctl:ruleRemove* decided at load). No names: the
// rules are removed; with names: those targets are removed from the rules.
struct RouteExclusion {
  std::vector<std::uint32_t> rules;
  std::vector<std::string> tags;
  std::vector<std::string> args, headers, cookies;
};

// How a program reads the request beyond CRS (waf.profile): `crs` is
// ModSecurity + CRS as they are; `api` is tuned for JSON APIs: REST methods
// allowed, 921110 off, the noisiest CRS families (930110, 932 RCE, 941 XSS,
// 942 SQLi) count only where centinela's tokeniser of the same kind
// confirms the value, and a body without Content-Type is read as a form.
enum class Profile : std::uint8_t { crs, api };

// waf.decode: the deep decoders whose views the rules also match
// (decode/deep_decode.h). max_depth 0: none.
struct DecodeOptions {
  bool base64 = true;
  bool hex = true;
  bool unicode = true;
  unsigned max_depth = 0;
  bool operator==(const DecodeOptions&) const = default;
};

struct ProgramOptions {
  int paranoia = 1;               // 1..4
  int anomaly_threshold = 0;      // inbound; 0: the rules' default (CRS: 5)
  bool inspect_response = false;  // phases 3 and 4
  std::vector<RouteExclusion> exclusions;
  // TX values set before any rule, as a SecAction in crs-setup would.
  std::vector<std::pair<std::string, std::string>> tx;
  Profile profile = Profile::crs;
  NativeSet native = 0;  // waf.native: the native rules kept (builtin_rules.h)
  DecodeOptions decode;
};

// Which values a gated database's links could match and count (one clause
// per gate and code hiding; Program::gated): the value's output holds one
// of the required bytes (`any_bytes`: whatever it holds), and for a rule
// the api profile gates, the tokeniser `gate` confirms the value or its
// output, as Evaluation::gate_confirms would after a match.
struct ValueClause {
  std::array<std::uint64_t, 4> required{};
  bool any_bytes = false;
  OpKind gate = OpKind::unconditional;
  bool hides_code = false;  // Rule::hides_code: a value with '`' always passes
};

struct GatedJoin {
  std::uint32_t pipeline = 0;
  std::vector<Target> targets;
  std::vector<std::uint32_t> slots;  // of each target in Program::joined_vars
  std::vector<ValueClause> clauses;  // empty: not a gated database
  bool every_value = false;          // a clause passes every value
  // The clauses' required bytes together; `any_bytes`: a clause passes
  // whatever bytes the output holds (scan_gated's first test).
  std::array<std::uint64_t, 4> required{};
  bool any_bytes = false;
};

// What Evaluation::joined_may_match reads of a joined link (Program::joined),
// copied out of the link: Program::gates holds one for each rule's first
// link, in an array a phase's walk reads, so the rules the joined texts rule
// out are passed over without reading them (a Rule and its Link are a few
// cache lines each, cold when the gateway's other work ran in between).
struct JoinGate {
  bool joined = false;  // false: no gate (the rule runs)
  bool multi_match = false;
  OpKind kind = OpKind::unconditional;
  std::uint32_t pipeline = 0;
  std::uint32_t db = 0, entry = 0;                      // rx
  const pattern::LiteralSet* literals = nullptr;        // pm
  std::uint32_t word_group = kNoSlot, word_member = 0;  // pm: Operator's
};
JoinGate join_gate(const Link& link);

struct Program {
  std::shared_ptr<const RuleSet> set;
  std::vector<Rule> rules;  // phase order; skip_to indexes this
  // Phase p's rules are [phase_begin[p], phase_begin[p + 1]).
  std::array<std::uint32_t, 7> phase_begin{};
  TxState tx_initial;  // after the folded rules
  int paranoia = 1;
  Profile profile = Profile::crs;
  DecodeOptions decode;
  std::size_t folded = 0;          // rules decided at load
  std::size_t excluded = 0;        // rules removed by exclusions or SecRuleRemove*
  std::vector<std::string> notes;  // what this program could not specialise
  // By pipeline node: the view variables read by the links marked `joined`
  // of that pipeline (whole collections, but for REQUEST_HEADERS the headers
  // named, when every such link names its headers). A request joins their values,
  // transformed, with LF and scans the result once per database or word
  // list: a link whose pattern does not hit it cannot match any single
  // value, so it is skipped without looking at its targets.
  std::vector<std::vector<Target>> joined;
  std::vector<std::vector<std::uint32_t>> joined_slots;  // of each in joined_vars
  // Every (variable, selector) that `joined` and `gated` read, once: a
  // request collects each once per phase, found by its slot.
  std::vector<Target> joined_vars;
  // By RxMatcher database: for one with its own text (RxMatcher::own_text:
  // the gated ones and the head's open ones), what that text holds — the
  // values of `targets` transformed by `pipeline` that pass one of
  // `clauses`. The links of such a database join there, not in `joined`.
  std::vector<GatedJoin> gated;
  std::vector<JoinGate> gates;  // by rule: its first link's
  bool has_tag(const Rule& rule, std::string_view tag) const;
};

std::shared_ptr<const Program> make_program(std::shared_ptr<const RuleSet> set,
                                            const ProgramOptions& options);

}  // namespace centinela::waf
