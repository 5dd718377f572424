// W3C Trace Context (https://www.w3.org/TR/trace-context/): the gateway
// continues a client's trace when its `traceparent` is valid and otherwise
// starts one, so every upstream request carries a traceparent.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "stage/request_context.h"

namespace centinela::security {

inline constexpr std::size_t kTraceparentLength = 55;  // "00-" 32 "-" 16 "-" 2

// Parses a traceparent strictly: lower-case hex, trace and parent ids not all
// zero, version not "ff". Version 00 must be exactly 55 characters; a later
// version is read by its first four fields when it is at least 55 long and
// anything after them starts with '-' (only the sampled flag is kept, as the
// spec asks). The result's span_id is the caller's parent id.
std::optional<stage::TraceContext> parse_traceparent(std::string_view header);

// Keeps a valid incoming trace id and flags and gives the gateway its own new
// span id; without a valid header starts a new random, sampled trace.
stage::TraceContext continue_or_start_trace(std::string_view incoming_traceparent);

// The same, written into `out` so a reused context keeps its string capacity.
void continue_or_start_trace(std::string_view incoming_traceparent, stage::TraceContext& out);

// "00-<trace id>-<span id>-<flags>".
std::string format_traceparent(const stage::TraceContext& trace);

}  // namespace centinela::security
