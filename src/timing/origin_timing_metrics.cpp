#include "timing/origin_timing_metrics.h"

#include <cstring>
#include <map>
#include <memory>
#include <mutex>

#include "observe/live_stats.h"
#include "observe/metrics.h"

namespace centinela::timing {
namespace {

// Server-Timing durations run from well under a millisecond (a cache
// lookup) to whole seconds (a slow query): the request-latency buckets.
constexpr std::string_view kHelp =
    "Durations the origin reported in Server-Timing, by route and metric name (the first 8 "
    "names of a route; later ones count as \"other\")";

}  // namespace

OriginTimingMetrics::OriginTimingMetrics(std::string route) : route_(std::move(route)) {}

OriginTimingMetrics& OriginTimingMetrics::for_route(std::string_view route) {
  static std::mutex mutex;
  // Never destroyed: workers may record during static destruction.
  static auto* const tables =
      new std::map<std::string, std::unique_ptr<OriginTimingMetrics>, std::less<>>();
  const std::lock_guard lock(mutex);
  auto found = tables->find(route);
  if (found == tables->end()) {
    found =
        tables
            ->emplace(std::string(route), std::make_unique<OriginTimingMetrics>(std::string(route)))
            .first;
  }
  return *found->second;
}

OriginTimingMetrics::Series OriginTimingMetrics::make_series(std::string_view label) const {
  Series series;
  series.histogram =
      &observe::Registry::global().histogram("centinela_origin_timing_seconds", kHelp,
                                             {{"route", route_}, {"metric", std::string(label)}});
  series.windows = observe::LiveStats::global().origin_timing(route_, label);
  return series;
}

OriginTimingMetrics::Series OriginTimingMetrics::series_for(std::string_view metric) {
  for (Slot& slot : slots_) {
    std::uint8_t state = slot.state.load(std::memory_order_acquire);
    if (state == empty) {
      if (slot.state.compare_exchange_strong(state, claiming, std::memory_order_acq_rel)) {
        const std::size_t size = std::min(metric.size(), slot.name.size());
        std::memcpy(slot.name.data(), metric.data(), size);
        slot.size = static_cast<std::uint8_t>(size);
        slot.series = make_series(slot.view());
        slot.state.store(ready, std::memory_order_release);
        return slot.series;
      }
      // Another worker claimed it meanwhile: `state` now says how far it is.
    }
    if (state == ready && slot.view() == metric) return slot.series;
    // A slot being claimed cannot be compared yet: this name may end up in a
    // second slot with the same label, which the registry maps to the same
    // histogram, so only a slot is spent, never a label.
  }
  std::uint8_t state = other_.state.load(std::memory_order_acquire);
  if (state == ready) return other_.series;
  // Until "other" is published, racing workers each ask the registry, which
  // hands them all the same series (as route_metrics' counters): no
  // observation is lost.
  const Series series = make_series(kOtherLabel);
  if (state == empty &&
      other_.state.compare_exchange_strong(state, claiming, std::memory_order_acq_rel)) {
    other_.series = series;
    other_.state.store(ready, std::memory_order_release);
  }
  return series;
}

void OriginTimingMetrics::record(const Series& series, double ms, bool live_stats) {
  const double seconds = ms / 1000.0;
  if (series.histogram != nullptr) series.histogram->observe(seconds);
  if (live_stats && series.windows != nullptr) series.windows->observe(seconds);
}

void OriginTimingMetrics::observe(std::string_view metric, double ms, bool live_stats) {
  record(series_for(metric), ms, live_stats);
}

}  // namespace centinela::timing
