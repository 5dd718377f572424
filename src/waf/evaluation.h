// One request through a Program, with ModSecurity 3's semantics: rules in
// phase order; each target's values transformed (each distinct pipeline
// once per value), the operator run on each; a link's setvars run for every
// value it matched, whatever the rest of the chain does; on a full match the
// ctl actions, skipAfter, the disruptive action and a finding for a logged
// rule. Bounded: values per target, bytes per value, PCRE2 limits.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect.h"
#include "waf/program.h"
#include "waf/request_view.h"
#include "waf/tx_state.h"

namespace centinela::pattern {
class ConfirmScratch;
class Confirmer;
class ScanDatabase;
class Scratch;
}  // namespace centinela::pattern

namespace centinela::waf {

struct ByteMask;  // eval_buffers.h

struct Finding {
  std::uint32_t rule = 0;
  std::uint8_t phase = 0;
  std::uint8_t severity = 0xFF;
  std::uint32_t index = 0;  // in the program
  std::string target;       // MATCHED_VAR_NAME, e.g. "ARGS:q"
  std::string value;        // MATCHED_VAR (bounded)
  std::string msg, logdata;
  std::uint16_t decoded = 0;  // decode::DecoderSet of the view it matched; 0: the value
};

enum class EngineMode : std::uint8_t { on, detection_only, off };

struct EvalLimits {
  std::size_t values_per_target = 1024;
  std::size_t value_bytes = 1 << 20;  // longer values are inspected in their first bytes
  std::size_t finding_bytes = 128;
  std::size_t findings = 64;
};

// Per-thread scratch an evaluation borrows (PCRE2 match data, Hyperscan).
struct EvalScratch {
  pattern::ConfirmScratch& confirm;
  pattern::Scratch& scan;
};

class Evaluation {
 public:
  Evaluation(const Program& program, const RequestView& view, EvalScratch scratch,
             EngineMode mode = EngineMode::on, EvalLimits limits = {});

  // Runs the rules of `phase`. False when a disruptive action (deny, drop,
  // in mode on; or allow) ended the transaction.
  bool run_phase(int phase);

  // Between phases, while the request waits (for its body): the buffers go
  // back to the thread's pool, where the evaluations running meanwhile
  // keep them warm in the caches, and the next run_phase takes one back.
  // A worker with a request waiting on each of many connections would
  // otherwise find each one's buffers cold: with 64 waiting, a 4 KiB JSON
  // body cost 1.6 times the CPU (bench/waf/CPU.md, waf_cpu --inflight).
  void suspend();

  // Runs rule `index` alone; answers whether it matched fully and which
  // rule comes next (skipAfter). For the compiler's load-time folding.
  struct Step {
    bool matched = false;
    std::uint32_t next = 0;
  };
  Step run_rule(std::uint32_t index);

  // UNIQUE_ID (the request id).
  void set_unique_id(std::string_view id) { unique_id_ = id; }

  TxState& tx() { return *tx_; }
  const TxState& tx() const { return *tx_; }
  const std::vector<Finding>& findings() const { return findings_; }
  std::int64_t anomaly_score() const;  // TX:anomaly_score
  bool disrupted() const { return disruptive_ != Disruptive::none; }
  Disruptive disruptive() const { return disruptive_; }
  std::uint32_t disruptive_rule() const { return disruptive_rule_; }
  bool limit_hit() const { return limit_hit_; }  // a PCRE2 limit stopped a match
  std::size_t findings_total() const { return findings_total_; }

  // A target's values (public for tests and the macro expander).
  struct Value {
    Var var;
    std::string_view name;  // key within the collection ("" for a scalar)
    std::string_view value;
    bool stable;                // a view value: its transformations may be cached
    std::uint16_t decoded = 0;  // a deep-decoded view (Variable::decoded)
  };
  void collect(const Target& target, std::vector<Value>& out);

 private:
  bool eval_link(const Rule& rule, std::size_t link_index);
  bool eval_target(const Rule& rule, const Link& link, const Target& target, bool matched);
  bool eval_value(const Rule& rule, const Link& link, const Value& v, const ByteMask* mask);
  static bool is_tokeniser(OpKind kind);
  enum class ValueGate : std::uint8_t { none, tokeniser, byte_range };
  ValueGate value_gate(const Link& link) const;
  bool gate_closes(const Link& link, ValueGate gate, std::string_view value, const ByteMask& mask);
  // The byte set of the value eval_value is reading, while it reads it: its
  // operators and tokeniser gates take it instead of a table look-up.
  struct KnownMask {
    const char* data = nullptr;
    std::size_t size = 0;
    const ByteMask* mask = nullptr;
  };
  KnownMask known_mask_;
  const ByteMask& stable_mask(std::string_view value);
  bool run_operator(const Operator& op, std::string_view value, bool capture, bool cacheable,
                    bool shared = false);
  enum class Hit : std::uint8_t { no, yes, unknown };
  Hit rx_hit(const RxPlan& plan, std::string_view value, bool cacheable);
  // The value holds none of the bytes every match of the pattern needs.
  bool lacks_required(const RxPlan& plan, std::string_view value, bool cacheable);
  // False when the tokeniser of `kind` cannot report `value` (a view value).
  bool may_detect(OpKind kind, std::string_view value);
  bool may_detect(OpKind kind, std::string_view value, ByteMask bytes);
  void after_full_match(const Rule& rule, std::uint32_t index);
  void run_setvar(const SetVar& sv);
  void run_ctl(const Ctl& ctl);
  bool excluded(const Rule& rule, const Link& link, const Value& v);
  bool excluded_by(const pattern::Confirmer& regex, const Value& v);
  bool removed(std::uint32_t index) const;
  void expand(const Macro& macro, std::string& out);
  std::string_view transformed(const Value& v, std::uint32_t node);
  std::string_view transformed(const Value& v, std::uint32_t node, const ByteMask& mask);
  std::string_view transform_steps(const Value& v, std::string_view base, std::uint32_t node,
                                   const ByteMask& mask);
  std::string_view apply_step(decode::Transform t, std::string_view in, bool stable);
  void plan_chains();
  std::string_view keep(std::string value);
  void key_of(const Value& v, std::string& key) const;  // "ARGS:q" into `key`
  void collect_collection(const Target& target, std::vector<Value>& out);
  void collect_scalar(const Target& target, std::vector<Value>& out);
  void collect_tx(const Target& target, std::vector<Value>& out);
  void collect_fields(const Target& target, Var var, Collection from, std::vector<Value>& out);
  bool selected(const Target& target, std::string_view name) const;
  // Program::joined (eval_joined.cpp).
  bool joined_may_match(const JoinGate& gate);
  bool group_hit(const JoinGate& gate);
  bool joined_rx_hit(const JoinGate& gate, std::uint32_t pipeline);
  void scan_joined(const pattern::ScanDatabase& db, std::uint32_t entries, std::uint32_t pipeline,
                   std::vector<std::uint64_t>& bits);
  // Program::gated (eval_gated.cpp).
  void scan_gated(std::uint32_t db, std::vector<std::uint64_t>& bits);
  bool clause_passes(const ValueClause& c, const Value& v, std::string_view out,
                     const ByteMask& raw, const ByteMask& out_bytes);
  // `shared`: a value clients send on many requests (shareable()): a clean
  // verdict is remembered across requests (clean_values.h).
  std::optional<detect::Detection> detection(OpKind kind, std::string_view value, bool stable,
                                             bool shared = false);
  static bool shareable(const Value& v);
  void new_phase();
  std::string_view joined_text(std::uint32_t pipeline);
  // Makes Buffers::joined_vars[slot] this phase's (Program::joined_vars):
  // the test inline (eval_buffers.h; ~300 calls a request find it done),
  // the collection out of line.
  void joined_var(std::uint32_t slot);
  void collect_joined_var(std::uint32_t slot);
  // Buffers::joined_vars[slot]'s values through pipeline node `node` (not
  // the root), for this phase; joined_var(slot) first.
  struct NodeColumn;
  NodeColumn& column(std::uint32_t slot, std::uint32_t node);
  const std::string& raw_text(std::uint32_t slot);

  const Program& program_;
  const RequestView& view_;
  // new_phase(): the view's collection sizes and body processor when the
  // joined values were last made.
  std::array<std::uint32_t, kCollections + 1> view_sizes_{};
  bool view_known_ = false;
  EvalScratch scratch_;
  EngineMode mode_;
  EvalLimits limits_;
  std::string_view unique_id_;

  // Profile::api: whether the rule's tokeniser confirms the value it matched.
  bool gate_confirms(OpKind gate, const Value& v, std::string_view transformed);
  std::string_view tokenised(std::string_view value);

  std::string matched_var_, matched_var_name_;
  std::uint16_t matched_decoded_ = 0;
  std::string tokenised_;  // tokenised()'s copy
  // MATCHED_VARS: the first matched_vars_used_ entries.
  std::vector<std::pair<std::string, std::string>> matched_vars_;
  std::size_t matched_vars_used_ = 0;
  // run_setvar()'s and expand()'s, kept for their capacity.
  std::string setvar_name_, setvar_value_;
  std::vector<Value> macro_values_;

  // ctl results for the rest of this request.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> removed_ids_;
  std::vector<std::string> removed_tags_;
  struct TargetRemoval {
    std::uint32_t id_first = 0, id_last = 0;
    std::string tag;
    std::string key;  // lower case "args:q"
  };
  std::vector<TargetRemoval> removed_targets_;

  // Per-request buffers, reused by the next evaluation on this thread.
  struct Buffers;
  struct ReleaseBuffers {
    void operator()(Buffers* buffers) const;
  };
  static std::unique_ptr<Buffers, ReleaseBuffers> acquire_buffers();
  struct BufferPool;
  static BufferPool& buffer_pool();                   // this thread's
  std::unique_ptr<Buffers, ReleaseBuffers> buffers_;  // null while suspended
  // TX, in the buffers: a copy of Program::tx_initial into strings that keep
  // their capacity from the evaluation before; here while suspended.
  TxState* tx_ = nullptr;
  TxState suspended_tx_;
  void resume();

  std::vector<Finding> findings_;
  std::size_t findings_total_ = 0;
  Disruptive disruptive_ = Disruptive::none;
  std::uint32_t disruptive_rule_ = 0;
  bool limit_hit_ = false;
  bool stopped_ = false;
};

}  // namespace centinela::waf
