// The Server-Timing field an origin sends (W3C Server Timing §3:
// `metric *( OWS ";" OWS param )`, metrics separated by commas, params
// `name [= token / quoted-string]`), read from hostile bytes into a bounded
// list: what the gateway keeps of it is per-route timing histograms, the
// access log and the slow-request report, so a broken or oversized value
// costs a bounded scan and yields fewer metrics, never an error.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace centinela::http {

struct ServerTimingMetric {
  std::string_view name;         // a token, at most kMaxServerTimingName bytes
  std::optional<double> dur_ms;  // `dur`: finite, 0 .. kMaxServerTimingMs
  std::string_view description;  // `desc`, as sent (a quoted one without its
                                 // quotes, backslash escapes left in)
};

inline constexpr std::size_t kMaxServerTimingName = 64;
inline constexpr std::size_t kMaxServerTimingDescription = 256;
inline constexpr double kMaxServerTimingMs = 24.0 * 3600 * 1000;  // a day

// Appends the metrics of `value` (one field line, or several joined with
// ", ") to `out` until it is full; returns how many were written. A metric
// whose name is not a token or too long, or with a parameter that is not
// `;name[=value]`, is skipped up to the next comma outside a quoted string;
// a `dur` that is not a plain decimal in range, and unknown parameters, are
// ignored (the spec's "ignore what you cannot read"); the first `dur` and
// `desc` count. Views in the returned metrics point into `value`.
std::size_t parse_server_timing(std::string_view value, std::span<ServerTimingMetric> out);

}  // namespace centinela::http
