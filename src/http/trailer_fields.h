// Trailer fields (RFC 9110 §6.5) as the gateway relays them: a field that
// could change how the message is framed, routed, authenticated, cached or
// interpreted is never taken from a trailer section (§6.5.1), because the
// stages that vet such fields saw only the head; every other field passes,
// vetted as a header field is. Relayed trailers travel as a block of
// "name: value\r\n" lines, the form both protocols' writers take.
#pragma once

#include <cstddef>
#include <string_view>

namespace centinela::http {

// Whether a field of this name (any case) may be relayed as a trailer.
bool may_relay_trailer(std::string_view name);

// Calls `each(name, value)` for every line of a block of relayed trailers.
template <typename Each>
void for_each_trailer(std::string_view lines, Each&& each) {
  while (!lines.empty()) {
    const std::size_t end = lines.find("\r\n");
    const std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    each(line.substr(0, colon), value);
  }
}

}  // namespace centinela::http
