// Program::gated: a gated database (RxMatcher::gated) is scanned over the
// joined values its links could match and count, not over every value of
// its pipeline. A value is left out when it holds none of the bytes its
// links' patterns require (after the pipeline), or, for a rule the api
// profile gates, when the rule's tokeniser confirms neither the value nor
// its output — the test eval_value makes after a match, so a value left out
// is one no link of the database can count. Most values of an API request
// hold no separator or quote and read as no code: the text is then empty
// and the database (CRS 932's command lists, 942's quote-led SQL) costs
// nothing. The head's open databases (RxMatcher::own_text) are scanned the
// same way, over their own targets' values.
#include <algorithm>

#include "detect/detect.h"
#include "pattern/matcher.h"
#include "waf/clean_values.h"
#include "waf/eval_buffers.h"
#include "waf/operators.h"
#include "waf/text.h"

namespace centinela::waf {

// A tokeniser's verdict on a value (tokenised first in the api profile), once
// per request for a value that stays put: the native rules, the api gates
// and the gated joins ask about the same values.
std::optional<detect::Detection> Evaluation::detection(OpKind kind, std::string_view value,
                                                       bool stable, bool shared) {
  // How the value is read: the tokeniser, and in the api profile without its
  // code fences (tokenised()).
  const auto reading = static_cast<std::uint8_t>(static_cast<unsigned>(kind) |
                                                 (program_.profile == Profile::api ? 0x80u : 0u));
  const auto run = [&] {
    if (shared && thread_clean_values().contains(reading, value)) {
      return std::optional<detect::Detection>();
    }
    std::optional<detect::Detection> d =
        detect_as(kind, program_.profile == Profile::api ? tokenised(value) : value);
    if (shared && !d) thread_clean_values().add(reading, value);
    return d;
  };
  if (!stable) return run();
  if (!may_detect(kind, value)) return std::nullopt;
  Buffers& b = *buffers_;
  const StampedTable<std::optional<detect::Detection>>::Key key{value.data(), value.size(),
                                                                static_cast<std::uint32_t>(kind)};
  if (const auto* known = b.detections.find(key, b.request)) return *known;
  const std::optional<detect::Detection> d = run();
  b.detections.insert(key, b.request) = d;
  return d;
}

// Request headers but credentials: what browsers and API clients repeat on
// every request (User-Agent, Accept, Accept-Language…), as written (not a
// deep-decoded view of it). Authorization, Proxy-Authorization and Cookie
// are never kept beyond their request.
bool Evaluation::shareable(const Value& v) {
  if (v.var != Var::request_headers || v.decoded != 0) return false;
  return !iequals(v.name, "authorization") && !iequals(v.name, "proxy-authorization") &&
         !iequals(v.name, "cookie");
}

// `out`: v through the clause's pipeline; `raw`, `out_bytes`: their bytes.
bool Evaluation::clause_passes(const ValueClause& c, const Value& v, std::string_view out,
                               const ByteMask& raw, const ByteMask& out_bytes) {
  if (!c.any_bytes) {
    ByteMask required;
    required.bits = c.required;
    if (!out_bytes.intersects(required)) return false;
  }
  if (c.gate == OpKind::unconditional || !v.stable) return true;
  // A fenced block is blanked before the operator runs (eval_value): its
  // output is not `out`, so such a value is not judged here.
  if (c.hides_code && (raw.bits['`' >> 6] >> ('`' & 63) & 1)) return true;
  return gate_confirms(c.gate, v, out);
}

void Evaluation::scan_gated(std::uint32_t db, std::vector<std::uint64_t>& bits) {
  Buffers& b = *buffers_;
  const GatedJoin& gated = program_.gated[db];
  const RxMatcher& matcher = *program_.set->rx;
  bits.assign((matcher.entries(db) + 63) / 64, 0);
  std::string& text = b.gated_text;
  text.clear();
  ByteMask required;
  required.bits = gated.required;
  // A value holding no trigger of the pipeline's steps is its own output:
  // without a required byte either, it is left out before transformed().
  ByteMask unchanged_skip = required;
  const bool may_skip = !gated.any_bytes && gated.pipeline < b.chain_triggers.size() &&
                        !b.chain_every[gated.pipeline];
  if (may_skip) {
    for (std::size_t w = 0; w < 4; ++w) {
      unchanged_skip.bits[w] |= b.chain_triggers[gated.pipeline].bits[w];
    }
  }
  for (const std::uint32_t slot : gated.slots) {
    joined_var(slot);
    const Buffers::JoinedVar& joined = b.joined_vars[slot];
    // The same test for all the variable's values at once (argument names,
    // cookies: often none holds a separator, a quote or an upper-case letter).
    if (may_skip && !joined.any_value.intersects(unchanged_skip)) continue;
    // The pipeline's outputs, made once the first value needs them.
    const bool by_columns = gated.pipeline != 0 && Buffers::by_columns(joined);
    NodeColumn* outputs = nullptr;
    for (std::size_t i = 0; i < joined.values.size(); ++i) {
      const Value& v = joined.values[i];
      if (may_skip && !joined.masks[i].intersects(unchanged_skip)) continue;
      if (outputs == nullptr && by_columns) outputs = &column(slot, gated.pipeline);
      const std::string_view base = v.value.substr(0, limits_.value_bytes);
      const std::string_view out =
          outputs != nullptr ? outputs->outs[i] : transformed(v, gated.pipeline, joined.masks[i]);
      if (gated.every_value) {
        text.append(out);
        text.push_back('\n');
        continue;
      }
      // A copy: the mask table may grow while the clauses run.
      const ByteMask out_bytes = outputs != nullptr ? outputs->mask(i, base, joined.masks[i])
                                 : out.data() == base.data() ? joined.masks[i]
                                 : v.stable                  ? b.mask(out)
                                                             : mask_of(out);
      // None of the bytes any clause requires: every clause fails.
      if (!gated.any_bytes && !out_bytes.intersects(required)) continue;
      bool passes = false;
      for (const ValueClause& c : gated.clauses) {
        if (clause_passes(c, v, out, joined.masks[i], out_bytes)) {
          passes = true;
          break;
        }
      }
      if (!passes) continue;
      text.append(out);
      text.push_back('\n');
    }
  }
  if (text.empty()) return;
  const pattern::ScanStatus status =
      matcher.database(db)->scan(text, scratch_.scan, [&](unsigned id, std::size_t) {
        if (id / 64 < bits.size()) bits[id / 64] |= std::uint64_t{1} << (id % 64);
      });
  if (status == pattern::ScanStatus::error) std::fill(bits.begin(), bits.end(), ~0ull);
}

}  // namespace centinela::waf
