// Everything the dashboard and /admin/stats' percentiles read, in one
// process-wide place: the per-second counts, the latency windows of each
// route and upstream (by name, so they outlive config reloads, as the
// Prometheus metrics do), and the recent slow requests. Series are created at
// config load (a mutex); the request path only touches per-worker cells.
// The admin thread calls tick() once a second.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/latency_windows.h"
#include "observe/live_series.h"
#include "observe/slow_requests.h"

namespace centinela::observe {

class Registry;

class LiveStats {
 public:
  // More names than this (over many reloads) share the series "(other)":
  // memory stays bounded (≈ 170 KiB per series, see latency_windows.h).
  static constexpr std::size_t kMaxSeriesPerKind = 256;

  // Origin timing series (route × Server-Timing metric, see
  // timing/origin_timing_metrics.h) beyond this many get no dashboard
  // windows: each costs as much as a route's.
  static constexpr std::size_t kMaxOriginSeries = 64;

  // `slots`: per-worker cells in each part.
  explicit LiveStats(unsigned slots);

  // One per process, slots = the machine's cores (the default worker count).
  static LiveStats& global();

  // Config load; the reference stays valid for the process's life.
  LatencyWindows& route(std::string_view name);
  LatencyWindows& upstream(std::string_view name);
  // The windows of one origin metric of a route; null past kMaxOriginSeries.
  LatencyWindows* origin_timing(std::string_view route, std::string_view metric);

  LiveSeries& series() { return series_; }
  SlowRequests& slow_requests() { return slow_; }

  // Admin thread, once a second.
  void tick(std::int64_t unix_second, std::uint64_t active_connections);

  // Name → series, sorted by name.
  std::vector<std::pair<std::string, const LatencyWindows*>> routes() const;
  std::vector<std::pair<std::string, const LatencyWindows*>> upstreams() const;
  // A route's origin metrics, sorted by metric name.
  std::vector<std::pair<std::string, const LatencyWindows*>> origin_timings(
      std::string_view route) const;

 private:
  void mirror_to_prometheus(Registry& registry);

  using Named = std::map<std::string, std::unique_ptr<LatencyWindows>, std::less<>>;
  LatencyWindows& named(Named& kind, std::string_view name);
  std::vector<std::pair<std::string, const LatencyWindows*>> list(const Named& kind) const;

  unsigned slots_;
  mutable std::mutex mutex_;
  Named routes_;
  Named upstreams_;
  std::map<std::string, Named, std::less<>> origin_;  // route → metric → windows
  std::size_t origin_series_ = 0;
  LiveSeries series_;
  SlowRequests slow_;
};

}  // namespace centinela::observe
