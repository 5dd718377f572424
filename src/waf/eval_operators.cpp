// Transformation pipelines (each computed once per value) and operators.
#include <optional>

#include "decode/transform.h"
#include "detect/byte_gate.h"
#include "detect/detect.h"
#include "pattern/confirmer.h"
#include "pattern/literal_set.h"
#include "pattern/matcher.h"
#include "waf/eval_buffers.h"
#include "waf/evaluation.h"
#include "waf/ip_set.h"
#include "waf/operators.h"
#include "waf/text.h"

namespace centinela::waf {

namespace {

// decode::triggers as masks, and whether a step changes every value.
struct StepMasks {
  std::array<ByteMask, decode::kTransformCount> triggers{};
  StepMasks() {
    for (std::size_t t = 0; t < decode::kTransformCount; ++t) {
      const auto transform = static_cast<decode::Transform>(t);
      const decode::ByteSet& set = decode::triggers(transform);
      for (unsigned c = 0; c < 256; ++c) {
        if (set.contains(static_cast<unsigned char>(c))) {
          triggers[t].bits[c >> 6] |= std::uint64_t{1} << (c & 63);
        }
      }
    }
  }
};

const StepMasks& step_masks() {
  static const StepMasks masks;
  return masks;
}

}  // namespace

std::optional<detect::Detection> detect_as(OpKind kind, std::string_view value) {
  switch (kind) {
    case OpKind::detect_sqli:
      return detect::detect_sql(value);
    case OpKind::detect_xss:
      return detect::detect_xss(value);
    case OpKind::detect_shell:
      return detect::detect_shell(value);
    case OpKind::detect_path:
      return detect::detect_path(value);
    default:
      return std::nullopt;
  }
}

// The value's byte set (kept per value) against the tokeniser's gate
// (detect::may_detect, exact): most values of an API request hold no byte
// that can start SQL, markup or a path. tokenised() may blank a fenced
// block with spaces, so a value holding '`' is tested as if it held ' '.
bool Evaluation::may_detect(OpKind kind, std::string_view value) {
  return may_detect(kind, value, stable_mask(value));
}

// `bytes`: value's byte set.
bool Evaluation::may_detect(OpKind kind, std::string_view value, ByteMask bytes) {
  if (bytes.bits['`' >> 6] >> ('`' & 63) & 1)
    bytes.bits[' ' >> 6] |= std::uint64_t{1} << (' ' & 63);
  switch (kind) {
    case OpKind::detect_sqli:
      return detect::may_detect(detect::Kind::sql, bytes.bits);
    case OpKind::detect_xss:
      return detect::may_detect(detect::Kind::xss, bytes.bits);
    case OpKind::detect_shell:
      // Without an opening only the first word counts (a backtick, which
      // tokenised() may blank around, is one).
      return detect::kShellOpenings.meets(bytes.bits) || detect::may_start_command(value);
    case OpKind::detect_path:
      return detect::may_detect(detect::Kind::path, bytes.bits);
    default:
      return true;
  }
}

// The byte-mask gate eval_target tests a link's values against: none when
// the operator is negated (a value it cannot match is one the link counts)
// or the pipeline has a step that changes every value.
Evaluation::ValueGate Evaluation::value_gate(const Link& link) const {
  const Buffers& b = *buffers_;
  const std::uint32_t node = link.pipeline;
  if (link.op.negated) return ValueGate::none;
  if (node != 0 && (node >= b.chain_triggers.size() || b.chain_every[node])) {
    return ValueGate::none;
  }
  if (is_tokeniser(link.op.kind)) return ValueGate::tokeniser;
  if (link.op.kind == OpKind::validate_byte_range) return ValueGate::byte_range;
  return ValueGate::none;
}

// Whether the bytes of `value` (`mask`) show that the link's operator
// cannot match it through the link's pipeline. A value holding none of the
// pipeline's trigger bytes is every step's output (a multiMatch chain's
// too: the triggers are the union along it); then a tokeniser reports
// nothing its byte gate closes (may_detect, exact), and validateByteRange
// nothing within its ranges. tokenised() may blank a fenced block with
// spaces: a value holding '`' is tested as if it held ' ' as well.
bool Evaluation::gate_closes(const Link& link, ValueGate gate, std::string_view value,
                             const ByteMask& mask) {
  ByteMask bytes = mask;
  if (bytes.bits['`' >> 6] >> ('`' & 63) & 1) {
    bytes.bits[' ' >> 6] |= std::uint64_t{1} << (' ' & 63);
  }
  const Buffers& b = *buffers_;
  if (link.pipeline != 0 && bytes.intersects(b.chain_triggers[link.pipeline])) return false;
  if (gate == ValueGate::tokeniser) return !may_detect(link.op.kind, value, mask);
  ByteMask outside;
  outside.bits = link.op.outside;
  return !bytes.intersects(outside);
}

// A value through pipeline node `node`: steps whose trigger bytes the value
// lacks are skipped without a call (most values of a benign request pass
// most pipelines unchanged); each step's output is kept per (input, step),
// so no step runs twice on the same bytes in a request.
std::string_view Evaluation::transformed(const Value& v, std::uint32_t node) {
  const std::string_view base = v.value.substr(0, limits_.value_bytes);
  if (node == 0) return base;
  if (v.stable) return transformed(v, node, buffers_->mask(base));
  return transformed(v, node, mask_of(base));
}

// `mask`: the byte set of v's (bounded) bytes, when the caller holds it.
std::string_view Evaluation::transformed(const Value& v, std::uint32_t node, const ByteMask& mask) {
  const std::string_view base = v.value.substr(0, limits_.value_bytes);
  Buffers& b = *buffers_;
  if (node == 0) return base;
  if (node < b.chain_triggers.size() && !b.chain_every[node] &&
      !mask.intersects(b.chain_triggers[node])) {
    return base;
  }
  return transform_steps(v, base, node, mask);
}

// The union of the trigger bytes along each pipeline, so a value holding
// none of them skips the pipeline with one mask test (no table entry).
void Evaluation::plan_chains() {
  Buffers& b = *buffers_;
  const auto& nodes = program_.set->pipelines;
  const std::uint64_t generation = program_.set->generation;
  if (generation != 0 && b.chain_generation == generation &&
      b.chain_triggers.size() == nodes.size()) {
    return;
  }
  const StepMasks& steps = step_masks();
  b.chain_triggers.assign(nodes.size(), ByteMask{});
  b.chain_every.assign(nodes.size(), 0);
  // A parent is interned before its children: its index is lower.
  for (std::size_t n = 1; n < nodes.size(); ++n) {
    const std::uint32_t parent = nodes[n].parent;
    const auto t = static_cast<std::size_t>(nodes[n].transform);
    ByteMask m = b.chain_triggers[parent];
    for (std::size_t w = 0; w < m.bits.size(); ++w) m.bits[w] |= steps.triggers[t].bits[w];
    b.chain_triggers[n] = m;
    b.chain_every[n] = b.chain_every[parent] || decode::changes_every_value(nodes[n].transform);
  }
  // The steps of each chain, root first (at most 32, the nearest the node,
  // as a walk up from it would find them).
  b.chain_steps.clear();
  b.chain_begin.assign(nodes.size() + 1, 0);
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    b.chain_begin[n] = static_cast<std::uint32_t>(b.chain_steps.size());
    std::uint32_t chain[32];
    std::size_t depth = 0;
    for (auto x = static_cast<std::uint32_t>(n); x != 0 && depth < 32; x = nodes[x].parent) {
      chain[depth++] = x;
    }
    while (depth-- > 0) {
      const decode::Transform t = nodes[chain[depth]].transform;
      b.chain_steps.push_back(
          {steps.triggers[static_cast<std::size_t>(t)], t, decode::changes_every_value(t)});
    }
  }
  b.chain_begin[nodes.size()] = static_cast<std::uint32_t>(b.chain_steps.size());
  b.node_step.assign(nodes.size(), Buffers::ChainStep{});
  for (std::size_t n = 1; n < nodes.size(); ++n) {
    const decode::Transform t = nodes[n].transform;
    b.node_step[n] = {steps.triggers[static_cast<std::size_t>(t)], t,
                      decode::changes_every_value(t)};
    if (t == decode::Transform::normalize_path || t == decode::Transform::normalize_path_win) {
      ByteMask slashes;
      slashes.bits['/' >> 6] |= std::uint64_t{1} << ('/' & 63);
      if (t == decode::Transform::normalize_path_win) {
        slashes.bits['\\' >> 6] |= std::uint64_t{1} << ('\\' & 63);
      }
      b.node_step[n].triggers = slashes;
      b.node_step[n].ends_in_dot = true;
    }
  }
  b.chain_generation = generation;
}

// The steps from the root: the intermediate outputs are not kept per node
// but per (input, step) by apply_step, which pipelines sharing a prefix, or
// reaching the same bytes through steps that changed nothing, share.
std::string_view Evaluation::transform_steps(const Value& v, std::string_view base,
                                             std::uint32_t node, const ByteMask& mask) {
  const Buffers& b = *buffers_;
  std::string_view current = base;
  bool unchanged = true;  // `mask` describes `current`
  for (std::uint32_t i = b.chain_begin[node]; i < b.chain_begin[node + 1]; ++i) {
    const Buffers::ChainStep& step = b.chain_steps[i];
    if (unchanged && !step.every && !mask.intersects(step.triggers)) continue;
    const std::string_view out = apply_step(step.transform, current, v.stable);
    if (out.data() != current.data()) unchanged = false;
    current = out;
  }
  return current;
}

// The byte set of bytes that stay put for the request.
const ByteMask& Evaluation::stable_mask(std::string_view value) {
  if (known_mask_.mask != nullptr && value.data() == known_mask_.data &&
      value.size() == known_mask_.size) {
    return *known_mask_.mask;
  }
  return buffers_->mask(value);
}

// One step over one input, once per request: nodes reach the same input by
// different paths (urlDecodeUni, htmlEntityDecode... leave a plain value as
// it is, so lowercase sees the same bytes after each of them). `stable`: the
// input stays put for the request (a view value or a kept output), so its
// address and length name its bytes.
std::string_view Evaluation::apply_step(decode::Transform t, std::string_view in, bool stable) {
  Buffers& b = *buffers_;
  const StampedTable<std::string_view>::Key key{in.data(), in.size(),
                                                static_cast<std::uint32_t>(t)};
  if (stable) {
    if (const std::string_view* hit = b.applied.find(key, b.request)) return *hit;
  }
  std::string& out = b.next_string();
  const std::string_view result = decode::apply(t, in, out) ? b.commit_string() : in;
  if (stable) b.applied.insert(key, b.request) = result;
  return result;
}

bool Evaluation::lacks_required(const RxPlan& plan, std::string_view value, bool cacheable) {
  ByteMask required;
  required.bits = plan.required;
  if ((required.bits[0] | required.bits[1] | required.bits[2] | required.bits[3]) == 0) {
    return false;  // unknown
  }
  return !(cacheable ? stable_mask(value) : mask_of(value)).intersects(required);
}

Evaluation::Hit Evaluation::rx_hit(const RxPlan& plan, std::string_view value, bool cacheable) {
  const RxMatcher* matcher = program_.set->rx.get();
  const pattern::ScanDatabase* db = matcher ? matcher->database(plan.db) : nullptr;
  if (db == nullptr) return Hit::unknown;
  Buffers& b = *buffers_;
  const StampedTable<std::uint32_t>::Key key{value.data(), value.size(), plan.db};
  if (cacheable) {
    if (const std::uint32_t* at = b.rx_hits.find(key, b.request)) {
      return (b.bits[*at + plan.entry / 64] >> (plan.entry % 64)) & 1 ? Hit::yes : Hit::no;
    }
  }
  // A value without any byte the pattern requires needs no scan ([\n\r]
  // on a JSON field).
  if (lacks_required(plan, value, cacheable)) return Hit::no;
  if (b.bits_request != b.request) {  // the first scan of this request
    b.bits.clear();
    b.bits_request = b.request;
  }
  const std::size_t words = (matcher->entries(plan.db) + 63) / 64;
  const auto at = static_cast<std::uint32_t>(b.bits.size());
  b.bits.resize(b.bits.size() + words, 0);
  const pattern::ScanStatus status = db->scan(value, scratch_.scan, [&](unsigned id, std::size_t) {
    if (id / 64 < words) b.bits[at + id / 64] |= std::uint64_t{1} << (id % 64);
  });
  if (status == pattern::ScanStatus::error) {
    b.bits.resize(at);
    return Hit::unknown;
  }
  const bool hit = (b.bits[at + plan.entry / 64] >> (plan.entry % 64)) & 1;
  if (cacheable) {
    b.rx_hits.insert(key, b.request) = at;
  } else {
    b.bits.resize(at);
  }
  return hit ? Hit::yes : Hit::no;
}

bool Evaluation::run_operator(const Operator& op, std::string_view value, bool capture,
                              bool cacheable, bool shared) {
  bool match = false;
  switch (op.kind) {
    case OpKind::rx: {
      const RxPlan& plan = op.rx_plan;
      // With capture, PCRE2 runs on every hit anyway; a pattern that needs
      // no particular byte (920450's `^.*$` on each header name) hits
      // nearly every value, so a scan of its database would only add to it.
      const bool any_bytes =
          (plan.required[0] | plan.required[1] | plan.required[2] | plan.required[3]) == 0;
      if (plan.form != RxPlan::Form::pcre_only && !(capture && any_bytes)) {
        const Hit hit = rx_hit(plan, value, cacheable);
        if (hit == Hit::no) break;
        if (hit == Hit::yes && plan.form == RxPlan::Form::hyperscan_exact && !capture) {
          match = true;
          break;
        }
      }
      pattern::Captures captures;
      const pattern::Confirm c =
          op.regex->match(value, scratch_.confirm, capture ? &captures : nullptr);
      if (c == pattern::Confirm::limit) limit_hit_ = true;
      match = c == pattern::Confirm::match;
      if (match && capture) {
        // TX:0..9 are slots 0..9 (compile_rules reserves them first).
        for (unsigned i = 0; i < captures.count && i < 10; ++i) {
          if (captures.set[i]) tx_->set(i, captures.group[i]);
        }
      }
      break;
    }
    case OpKind::pm:
      match = op.literals->matches(value, scratch_.scan);
      break;
    case OpKind::ip_match:
      match = op.ips->contains(value);
      break;
    case OpKind::validate_byte_range:
      for (unsigned char c : value) {
        if (!(*op.allowed)[c]) {
          match = true;
          break;
        }
      }
      break;
    case OpKind::validate_url_encoding:
      match = !valid_url_encoding(value);
      break;
    case OpKind::validate_utf8_encoding:
      match = !valid_utf8(value);
      break;
    case OpKind::detect_sqli:
    case OpKind::detect_xss:
    case OpKind::detect_shell:
    case OpKind::detect_path: {
      const std::optional<detect::Detection> d = detection(op.kind, value, cacheable, shared);
      match = d.has_value();
      // As libinjection's operators do: TX:0 is the evidence (942100's logdata).
      if (match) tx_->set(0, d->fingerprint);
      break;
    }
    case OpKind::unconditional:
      match = true;
      break;
    case OpKind::never:
      match = false;
      break;
    default: {
      std::string argument;
      expand(op.argument, argument);
      match = compare(op.kind, value, argument);
    }
  }
  return match != op.negated;
}

}  // namespace centinela::waf
