// A compiled rule: SecLang turned into data the evaluator walks without
// looking anything up by name. Variables are enums, TX names are slots,
// macros are pre-parsed, skipAfter becomes a rule index (program.h),
// transformation pipelines are interned (so each is computed once per
// value), regexes and word lists are compiled.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decode/transform.h"
#include "waf/rx_matcher.h"
#include "waf/variables.h"

namespace centinela::pattern {
class Confirmer;
class LiteralSet;
}  // namespace centinela::pattern

namespace centinela::waf {

class IpSet;

inline constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
inline constexpr std::uint32_t kNoRule = 0xFFFFFFFFu;

// A word a name holds, caseless (lower case); at its start when `anchored`.
struct SelectorWord {
  std::string word;
  bool anchored = false;
};

// One target: `ARGS`, `ARGS:q`, `&TX:foo`, `REQUEST_COOKIES:/regex/`.
struct Target {
  Var var = Var::args;
  bool count = false;  // `&`
  // In a Program: a variable of the request view that joined texts read
  // too has a slot in Program::joined_vars; its values and their byte masks
  // are collected once per phase for every link and text that reads them.
  // (With var and count, what a link's walk reads first.)
  std::uint32_t view_slot = kNoSlot;
  std::string selector;  // lower case; "" = every value
  std::shared_ptr<const pattern::Confirmer> selector_regex;
  // A regex selector that only asks for a word (TX:/^header_name_/,
  // TX:/rfi_parameter_.*/): selected() looks for the word instead of running
  // the regex on every name (920450's per-header TX names, per request).
  std::optional<SelectorWord> selector_word;
  std::uint32_t tx_slot = kNoSlot;  // TX:name
  // TX:/regex/ in a Program: the TX names of the rule set (slots, ascending)
  // the regex selects, decided by make_program, so collect_tx runs no regex
  // on them per request. Not decided: tx_selected_known false.
  std::vector<std::uint32_t> tx_selected;
  bool tx_selected_known = false;
};

// `!COLLECTION:key` (exact key, any case) or `!COLLECTION:/regex/`. As in
// ModSecurity 3, a regex exclusion is tried on the key of every value,
// whatever its collection.
struct Exclusion {
  Var var = Var::args;
  std::string key;  // lower case
  std::shared_ptr<const pattern::Confirmer> regex;
};

// `%{tx.name}`, `%{MATCHED_VAR}`, … inside a string, parsed at load.
struct MacroPart {
  enum class Kind : std::uint8_t { literal, tx, var } kind = Kind::literal;
  std::string text;              // literal
  std::uint32_t slot = kNoSlot;  // tx
  Target target;                 // var: its first value
};
struct Macro {
  std::vector<MacroPart> parts;
  bool empty() const { return parts.empty(); }
  // Holds no macro: the text is known at load.
  bool is_literal() const {
    return parts.empty() || (parts.size() == 1 && parts[0].kind == MacroPart::Kind::literal);
  }
};

enum class OpKind : std::uint8_t {
  rx,
  pm,
  streq,
  contains,
  contains_word,
  begins_with,
  ends_with,
  within,
  eq,
  ge,
  gt,
  lt,
  le,
  str_match,
  validate_byte_range,
  validate_url_encoding,
  validate_utf8_encoding,
  ip_match,
  detect_sqli,
  detect_xss,
  detect_shell,  // centinela's: @detectShell (src/detect)
  detect_path,   // centinela's: @detectPath
  unconditional,
  never,  // an operator this engine cannot honour (@rbl, @geoLookup): never matches
};

struct Operator {
  OpKind kind = OpKind::unconditional;
  bool negated = false;
  RxPlan rx_plan;                                       // rx: how the matcher runs it
  std::shared_ptr<const pattern::LiteralSet> literals;  // pm, pmFromFile
  // pm: RuleSet::word_groups' group of the link's pipeline, and which of
  // its lists `literals` is (kNoSlot: in no group).
  std::uint32_t word_group = kNoSlot, word_member = 0;
  Macro argument;
  std::shared_ptr<const pattern::Confirmer> regex;       // rx (PCRE2: confirmation, capture)
  std::string source;                                    // rx: the pattern as written
  std::shared_ptr<const IpSet> ips;                      // ipMatch
  std::shared_ptr<const std::array<bool, 256>> allowed;  // validateByteRange
  // validateByteRange: the bytes outside its ranges, as a byte mask (bit c of
  // word c / 64), so a value's mask tells at once that none of them is there.
  std::array<std::uint64_t, 4> outside{};
};

struct SetVar {
  enum class Op : std::uint8_t { set, add, subtract, unset } op = Op::set;
  std::uint32_t slot = kNoSlot;  // a static TX name
  Macro dynamic_name;            // a TX name with a macro in it
  Macro value;
};

struct Ctl {
  enum class Kind : std::uint8_t {
    remove_by_id,
    remove_by_tag,
    remove_target_by_id,
    remove_target_by_tag,
    engine_off,
    engine_detect,
    engine_on,
    ignored,  // audit log settings, body processor choice: nothing to do here
  } kind = Kind::ignored;
  std::uint32_t id_first = 0, id_last = 0;
  std::string tag;         // remove_*_by_tag
  std::string target_key;  // lower case "args:q"; a trailing ":/re/" is not supported
};

// One link of a chain (a rule without a chain has one).
// The fields every link a request walks reads come first (with the
// operator's kind and plan): most links are decided by them, and a walk
// that finds them in one or two cache lines misses less when the gateway's
// other work has evicted the program.
struct Link {
  std::uint32_t pipeline = 0;  // Pipelines index (0: no transformation)
  bool multi_match = false;
  bool capture = false;
  // Program::joined: the link can only match when its pattern or word list
  // hits the joined values of its pipeline (checked once per request).
  bool joined = false;
  std::vector<Target> targets;
  std::vector<Exclusion> exclusions;  // asked for each target read
  Operator op;
  std::vector<SetVar> setvars;
};

enum class Disruptive : std::uint8_t { none, pass, block, deny, drop, allow };

struct Rule {
  std::uint32_t id = 0;
  std::uint8_t phase = 2;
  std::uint8_t severity = 0xFF;  // 0 EMERGENCY .. 7 DEBUG; 0xFF none
  bool log = true;
  Disruptive disruptive = Disruptive::pass;
  std::vector<Link> links;
  std::vector<std::uint16_t> tags;  // RuleSet::tags indices
  Macro msg, logdata;
  std::vector<Ctl> ctls;
  std::string skip_after;           // the marker, as written
  std::uint32_t skip_to = kNoRule;  // Program: first rule after the marker
  std::uint32_t order = 0;          // position in the files (markers included)
  std::string where;                // file:line
  // Profile::api: the tokeniser (detect_*) that must confirm a value this
  // rule matched for the match to count; unconditional: none.
  OpKind gate = OpKind::unconditional;
  // Profile::api: the rule reads values with markdown code fences blanked and
  // skips image data URIs (the attack families, 930-944).
  bool hides_code = false;
};

// Transformation pipelines interned as a tree: node i = node parent + one
// transformation, so pipelines sharing a prefix share its values.
struct PipelineNode {
  std::uint32_t parent = 0;
  decode::Transform transform = decode::Transform::none;
  std::uint32_t depth = 0;
};

}  // namespace centinela::waf
