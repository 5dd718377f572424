// What the gateway keeps of an origin's Server-Timing for one response: the
// metrics that carry a duration, one per name (a name sent twice — two
// queries — adds up), at most kMaxOriginTimings of them, read from every
// Server-Timing field line whatever its spelling. Hostile values cost a
// bounded scan (http/server_timing.h) and yield fewer metrics.
#pragma once

#include <cstddef>
#include <span>

#include "observe/origin_timing.h"
#include "stage/arena.h"
#include "stage/response_fields.h"

namespace centinela::timing {

inline constexpr std::size_t kMaxOriginTimings = 16;
inline constexpr std::string_view kServerTimingField = "Server-Timing";

// Names are copied into `arena` (the response's field views may not outlive
// the upstream exchange); nothing is allocated when there is no such field.
std::span<const observe::OriginTiming> read_origin_timing(const stage::ResponseFields& fields,
                                                          stage::Arena& arena);

}  // namespace centinela::timing
