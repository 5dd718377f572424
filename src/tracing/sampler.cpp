#include "tracing/sampler.h"

#include <cmath>
#include <cstdint>

#include "security/fast_random.h"

namespace centinela::tracing {
namespace {

constexpr std::uint8_t kSampledFlag = 0x01;
constexpr std::size_t kTraceIdLength = 32;
constexpr std::size_t kRandomDigits = 14;  // 56 bits
constexpr double kTwoTo56 = 72057594037927936.0;

std::optional<std::uint64_t> hex_value(std::string_view digits) noexcept {
  std::uint64_t value = 0;
  for (char c : digits) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

bool has_parent(const stage::TraceContext& trace) noexcept { return trace.parent_id[0] != 0; }

}  // namespace

bool ratio_samples(std::string_view trace_id, double ratio) noexcept {
  if (trace_id.size() != kTraceIdLength || !(ratio > 0.0)) return false;
  const std::optional<std::uint64_t> random =
      hex_value(trace_id.substr(kTraceIdLength - kRandomDigits));
  if (!random) return false;
  if (ratio >= 1.0) return true;
  const auto threshold = static_cast<std::uint64_t>(std::ceil((1.0 - ratio) * kTwoTo56));
  return *random >= threshold;
}

void decide_sampling(stage::TraceContext& trace,
                     const std::optional<config::TracingConfig>& tracing) noexcept {
  if (!tracing) return;
  const bool client_sampled = has_parent(trace) && (trace.flags & kSampledFlag) != 0;
  trace.traced = client_sampled || ratio_samples(trace.trace_id, tracing->sample_ratio);
  if (!trace.traced) {
    trace.flags &= static_cast<std::uint8_t>(~kSampledFlag);
    trace.upstream_span_id.fill(0);
    return;
  }
  trace.flags |= kSampledFlag;
  do {
    security::fill_random_hex(trace.upstream_span_id.data(), trace.upstream_span_id.size());
  } while (std::string_view(trace.upstream_span_id.data(), trace.upstream_span_id.size()) ==
               "0000000000000000" ||
           std::string_view(trace.upstream_span_id.data(), trace.upstream_span_id.size()) ==
               trace.span_id);
}

}  // namespace centinela::tracing
