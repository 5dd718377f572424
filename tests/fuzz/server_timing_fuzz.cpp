// An origin's Server-Timing, whatever bytes it holds: the parser stays in
// bounds, fills at most the room given, and every metric it returns is
// well formed (a token name within its bound, a duration in range, views
// inside the input).
#include <array>
#include <cmath>
#include <string_view>

#include "fuzz_target.h"
#include "http/chars.h"
#include "http/server_timing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace centinela::http;
  const std::string_view value(reinterpret_cast<const char*>(data), size);
  std::array<ServerTimingMetric, 8> out{};
  const std::size_t n = parse_server_timing(value, out);
  fuzz_check(n <= out.size(), "more metrics than room");
  const auto inside = [&](std::string_view part) {
    return part.empty() || (part.data() >= value.data() &&
                            part.data() + part.size() <= value.data() + value.size());
  };
  for (std::size_t i = 0; i < n; ++i) {
    const ServerTimingMetric& m = out[i];
    fuzz_check(!m.name.empty() && m.name.size() <= kMaxServerTimingName, "name bound");
    for (const char c : m.name) fuzz_check(is_tchar(c), "name is not a token");
    fuzz_check(inside(m.name) && inside(m.description), "a view outside the input");
    fuzz_check(m.description.size() <= kMaxServerTimingDescription, "description bound");
    if (m.dur_ms) {
      fuzz_check(std::isfinite(*m.dur_ms) && *m.dur_ms >= 0 && *m.dur_ms <= kMaxServerTimingMs,
                 "duration out of range");
    }
  }
  return 0;
}
