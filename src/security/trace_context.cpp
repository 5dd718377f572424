#include "security/trace_context.h"

#include <algorithm>
#include <cstdint>

#include "security/fast_random.h"

namespace centinela::security {
namespace {

constexpr std::size_t kVersionLength = 2;
constexpr std::size_t kTraceIdLength = 32;
constexpr std::size_t kSpanIdLength = 16;
constexpr std::size_t kFlagsLength = 2;
constexpr std::size_t kTraceIdOffset = kVersionLength + 1;
constexpr std::size_t kSpanIdOffset = kTraceIdOffset + kTraceIdLength + 1;
constexpr std::size_t kFlagsOffset = kSpanIdOffset + kSpanIdLength + 1;
static_assert(kFlagsOffset + kFlagsLength == kTraceparentLength);

constexpr std::uint8_t kSampledFlag = 0x01;

constexpr int lower_hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

constexpr bool is_lower_hex(std::string_view text) noexcept {
  for (char c : text) {
    if (lower_hex_value(c) < 0) return false;
  }
  return true;
}

constexpr bool is_all_zero(std::string_view text) noexcept {
  return text.find_first_not_of('0') == std::string_view::npos;
}

// A random id of `length` hex digits that is not all zero (the spec's
// "invalid" value), written over `out`'s previous contents.
void assign_random_id(std::string& out, std::size_t length) {
  out.resize(length);
  do {
    fill_random_hex(out.data(), length);
  } while (is_all_zero(out));
}

// The fields of a valid traceparent, viewing the header's own characters.
struct TraceparentFields {
  std::string_view trace_id;
  std::string_view parent_id;
  std::uint8_t flags = 0;
};

std::optional<TraceparentFields> parse_fields(std::string_view header) noexcept {
  if (header.size() < kTraceparentLength) return std::nullopt;
  const std::string_view version = header.substr(0, kVersionLength);
  if (!is_lower_hex(version) || version == "ff") return std::nullopt;
  if (version == "00") {
    if (header.size() != kTraceparentLength) return std::nullopt;
  } else if (header.size() > kTraceparentLength && header[kTraceparentLength] != '-') {
    return std::nullopt;
  }
  if (header[kTraceIdOffset - 1] != '-' || header[kSpanIdOffset - 1] != '-' ||
      header[kFlagsOffset - 1] != '-') {
    return std::nullopt;
  }
  TraceparentFields fields;
  fields.trace_id = header.substr(kTraceIdOffset, kTraceIdLength);
  fields.parent_id = header.substr(kSpanIdOffset, kSpanIdLength);
  const std::string_view flags = header.substr(kFlagsOffset, kFlagsLength);
  if (!is_lower_hex(fields.trace_id) || is_all_zero(fields.trace_id)) return std::nullopt;
  if (!is_lower_hex(fields.parent_id) || is_all_zero(fields.parent_id)) return std::nullopt;
  if (!is_lower_hex(flags)) return std::nullopt;

  fields.flags =
      static_cast<std::uint8_t>(lower_hex_value(flags[0]) << 4 | lower_hex_value(flags[1]));
  // Flags of a later version may mean things version 00 does not define.
  if (version != "00") fields.flags &= kSampledFlag;
  return fields;
}

}  // namespace

std::optional<stage::TraceContext> parse_traceparent(std::string_view header) {
  const std::optional<TraceparentFields> fields = parse_fields(header);
  if (!fields) return std::nullopt;
  stage::TraceContext context;
  context.trace_id.assign(fields->trace_id);
  context.span_id.assign(fields->parent_id);
  context.flags = fields->flags;
  return context;
}

void continue_or_start_trace(std::string_view incoming_traceparent, stage::TraceContext& out) {
  out.parent_id.fill(0);
  out.upstream_span_id.fill(0);
  out.traced = false;
  if (const std::optional<TraceparentFields> incoming = parse_fields(incoming_traceparent)) {
    out.trace_id.assign(incoming->trace_id);
    out.flags = incoming->flags;
    std::copy(incoming->parent_id.begin(), incoming->parent_id.end(), out.parent_id.begin());
  } else {
    assign_random_id(out.trace_id, kTraceIdLength);
    out.flags = kSampledFlag;
  }
  assign_random_id(out.span_id, kSpanIdLength);
}

stage::TraceContext continue_or_start_trace(std::string_view incoming_traceparent) {
  stage::TraceContext context;
  continue_or_start_trace(incoming_traceparent, context);
  return context;
}

std::string format_traceparent(const stage::TraceContext& trace) {
  constexpr char kHexDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(kTraceparentLength);
  text += "00-";
  text += trace.trace_id;
  text += '-';
  text += trace.span_id;
  text += '-';
  text += kHexDigits[trace.flags >> 4];
  text += kHexDigits[trace.flags & 0xf];
  return text;
}

}  // namespace centinela::security
