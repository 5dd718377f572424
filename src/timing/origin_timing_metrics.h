// centinela_origin_timing_seconds{route,metric}: a histogram per metric name
// the origins of a route report in Server-Timing, and the dashboard's
// windows of it. The names come from the origin, so the label set is
// bounded: the first kMaxNames distinct names of a route get their own
// label, every later one counts under metric="other". Claiming a name is a
// compare-and-swap on a slot; only the first observations of each of the
// kMaxNames + 1 series reach the metrics registry (a mutex), once per route
// in the process's life; after that an observation is a few comparisons and
// relaxed atomic adds.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/server_timing.h"

namespace centinela::observe {
class Histogram;
class LatencyWindows;
}  // namespace centinela::observe

namespace centinela::timing {

class OriginTimingMetrics {
 public:
  static constexpr std::size_t kMaxNames = 8;
  static constexpr std::string_view kOtherLabel = "other";

  explicit OriginTimingMetrics(std::string route);
  OriginTimingMetrics(const OriginTimingMetrics&) = delete;
  OriginTimingMetrics& operator=(const OriginTimingMetrics&) = delete;

  // The table of the route named `route`: one per name for the process's
  // life, so a reload keeps the names already claimed (and the bound holds
  // across reloads).
  static OriginTimingMetrics& for_route(std::string_view route);

  // One duration the origin reported, from any worker. `live_stats`
  // (admin.live_stats): also into the dashboard's windows.
  void observe(std::string_view metric, double ms, bool live_stats = true);

 private:
  struct Series {
    observe::Histogram* histogram = nullptr;
    observe::LatencyWindows* windows = nullptr;  // null: past the dashboard's bound
  };
  enum State : std::uint8_t { empty, claiming, ready };
  struct Slot {
    std::atomic<std::uint8_t> state{empty};
    std::array<char, http::kMaxServerTimingName> name{};
    std::uint8_t size = 0;
    Series series;
    std::string_view view() const { return {name.data(), size}; }
  };

  Series series_for(std::string_view metric);
  Series make_series(std::string_view label) const;
  static void record(const Series& series, double ms, bool live_stats);

  std::string route_;
  std::array<Slot, kMaxNames> slots_;
  Slot other_;
};

}  // namespace centinela::timing
