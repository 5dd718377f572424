// Transformation pipelines (each computed once per value) and operators.
#include <optional>

#include "decode/transform.h"
#include "detect/detect.h"
#include "pattern/confirmer.h"
#include "pattern/literal_set.h"
#include "pattern/matcher.h"
#include "waf/evaluation.h"
#include "waf/ip_set.h"
#include "waf/operators.h"
#include "waf/text.h"

namespace centinela::waf {

std::string_view Evaluation::transformed(const Value& v, std::uint32_t node) {
  std::string_view base = v.value.substr(0, limits_.value_bytes);
  if (node == 0) return base;
  const CacheKey key{base.data(), base.size(), node};
  if (v.stable) {
    if (auto it = transform_cache_.find(key); it != transform_cache_.end()) return it->second;
  }
  const PipelineNode& step = program_.set->pipelines[node];
  const std::string_view input = transformed(v, step.parent);
  std::string out;
  std::string_view result = input;
  if (decode::apply(step.transform, input, out)) result = keep(std::move(out));
  if (v.stable) transform_cache_.emplace(key, result);
  return result;
}

Evaluation::Hit Evaluation::rx_hit(const RxPlan& plan, std::string_view value, bool cacheable) {
  const RxMatcher* matcher = program_.set->rx.get();
  const pattern::ScanDatabase* db = matcher ? matcher->database(plan.db) : nullptr;
  if (db == nullptr) return Hit::unknown;
  const CacheKey key{value.data(), value.size(), plan.db};
  if (cacheable) {
    if (auto it = rx_hits_.find(key); it != rx_hits_.end()) {
      return (it->second[plan.entry / 64] >> (plan.entry % 64)) & 1 ? Hit::yes : Hit::no;
    }
  }
  std::vector<std::uint64_t> bits((matcher->entries(plan.db) + 63) / 64);
  const pattern::ScanStatus status = db->scan(value, scratch_.scan, [&](unsigned id, std::size_t) {
    if (id / 64 < bits.size()) bits[id / 64] |= std::uint64_t{1} << (id % 64);
  });
  if (status == pattern::ScanStatus::error) return Hit::unknown;
  const bool hit = (bits[plan.entry / 64] >> (plan.entry % 64)) & 1;
  if (cacheable) rx_hits_.emplace(key, std::move(bits));
  return hit ? Hit::yes : Hit::no;
}

bool Evaluation::run_operator(const Operator& op, std::string_view value, bool capture,
                              bool cacheable) {
  bool match = false;
  switch (op.kind) {
    case OpKind::rx: {
      const RxPlan& plan = op.rx_plan;
      if (plan.form != RxPlan::Form::pcre_only) {
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
          if (captures.set[i]) tx_.set(i, captures.group[i]);
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
    case OpKind::detect_xss: {
      const std::optional<detect::Detection> d =
          op.kind == OpKind::detect_sqli ? detect::detect_sql(value) : detect::detect_xss(value);
      match = d.has_value();
      // As libinjection's operators do: TX:0 is the evidence (942100's logdata).
      if (match) tx_.set(0, d->fingerprint);
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
