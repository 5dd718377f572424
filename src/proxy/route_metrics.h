// Per-route metric handles. The `code` label is only known per response, so
// counters are created on first use and cached in a fixed table: the hot path
// is one atomic load and one relaxed increment.
#pragma once

#include <array>
#include <atomic>
#include <string>
#include <string_view>

namespace centinela::observe {
class Counter;
class Histogram;
class LatencyWindows;
}  // namespace centinela::observe

namespace centinela::proxy {

// The `result` label of centinela_cache_requests_total.
enum class CacheResult { hit, miss, stale, bypass, revalidated, coalesced };
inline constexpr std::size_t kCacheResults = 6;

class RouteMetrics {
 public:
  // `caches`: the route has a cache, so its cache counters exist.
  // `live_stats`: durations also go to the dashboard's and /admin/stats'
  // windows (admin.live_stats); without, record() leaves them alone.
  explicit RouteMetrics(std::string route_name, bool caches = false, bool live_stats = true);

  void record(std::string_view method, unsigned status, double duration_seconds);
  void count_cache(CacheResult result);

 private:
  static constexpr std::size_t kMethods = 10;    // 9 standard methods + "other"
  static constexpr std::size_t kStatuses = 500;  // 100..599

  observe::Counter& counter_for(std::size_t method_index, std::string_view method, unsigned status);

  std::string route_name_;
  observe::Histogram* duration_;
  observe::LatencyWindows* latency_;  // /admin/stats percentiles, the dashboard; null: off
  std::array<observe::Counter*, kCacheResults> cache_{};
  std::array<std::array<std::atomic<observe::Counter*>, kStatuses>, kMethods> counters_{};
};

}  // namespace centinela::proxy
