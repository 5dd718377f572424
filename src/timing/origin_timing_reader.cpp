#include "timing/origin_timing_reader.h"

#include <algorithm>
#include <array>

#include "http/server_timing.h"

namespace centinela::timing {
namespace {

// Parsed per field line: a line holding more metrics than this is read only
// this far (the parser stops when its output is full).
constexpr std::size_t kPerLine = kMaxOriginTimings;

struct Collected {
  std::array<observe::OriginTiming, kMaxOriginTimings> timings;
  std::size_t size = 0;
};

void merge(Collected& into, const http::ServerTimingMetric& metric, stage::Arena& arena) {
  if (!metric.dur_ms) return;
  const auto end = into.timings.begin() + static_cast<std::ptrdiff_t>(into.size);
  const auto same = std::find_if(into.timings.begin(), end, [&](const observe::OriginTiming& t) {
    return t.name == metric.name;
  });
  if (same != end) {
    // Bounded by the parser: each term is at most a day.
    same->dur_ms += *metric.dur_ms;
    return;
  }
  if (into.size == into.timings.size()) return;
  into.timings[into.size++] = {arena.copy(metric.name), *metric.dur_ms};
}

}  // namespace

std::span<const observe::OriginTiming> read_origin_timing(const stage::ResponseFields& fields,
                                                          stage::Arena& arena) {
  if (!fields.contains(kServerTimingField)) return {};
  Collected& collected = arena.make<Collected>();
  std::array<http::ServerTimingMetric, kPerLine> parsed;
  fields.for_each(kServerTimingField, [&](std::string_view line) {
    const std::size_t n = http::parse_server_timing(line, parsed);
    for (std::size_t i = 0; i < n; ++i) merge(collected, parsed[i], arena);
  });
  return {collected.timings.data(), collected.size};
}

}  // namespace centinela::timing
