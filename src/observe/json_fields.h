// Members of the JSON objects that log lines are, appended to a reused
// buffer without allocating: the building blocks of the access-log formats
// and the slow-request warning. Each appends `,"name":value` (a member after
// the first), so an object is written as its opening member, then these.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "observe/origin_timing.h"

namespace centinela::observe {

// `,"name":` (`name` is a literal of ours: not escaped).
void append_field_name(std::string& out, std::string_view name);

// A string member; an empty value is null.
void append_string_field(std::string& out, std::string_view name, std::string_view value);

void append_uint_field(std::string& out, std::string_view name, std::uint64_t value);

// Milliseconds with microsecond precision, e.g. 12.345; negative (not
// measured) or non-finite values are null.
void append_ms_field(std::string& out, std::string_view name, double ms);
// The same number without the member name.
void append_ms_value(std::string& out, double ms);
// Whether append_ms_value writes a number rather than null.
bool is_measured_ms(double ms);

// `{"db":12.3,"app":4.5}`: the origin's Server-Timing durations as an
// object (names escaped; the timing stage keeps them unique).
void append_origin_timing_value(std::string& out, std::span<const OriginTiming> timings);

void append_uint_value(std::string& out, std::uint64_t value);
void append_int_value(std::string& out, std::int64_t value);

}  // namespace centinela::observe
