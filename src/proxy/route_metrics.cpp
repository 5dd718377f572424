#include "proxy/route_metrics.h"

#include <string>

#include "observe/live_stats.h"
#include "observe/metrics.h"

namespace centinela::proxy {
namespace {

constexpr std::array<std::string_view, 9> kKnownMethods = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i < kKnownMethods.size(); ++i) {
    if (kKnownMethods[i] == method) return i;
  }
  return kKnownMethods.size();
}

}  // namespace

RouteMetrics::RouteMetrics(std::string route_name, bool caches, bool live_stats)
    : route_name_(std::move(route_name)),
      duration_(&observe::Registry::global().histogram(
          "centinela_request_duration_seconds",
          "Time from the request's first byte to the end of its response",
          {{"route", route_name_}})),
      latency_(live_stats ? &observe::LiveStats::global().route(route_name_) : nullptr) {
  if (!caches) return;
  static constexpr std::array<std::string_view, kCacheResults> kResults = {
      "hit", "miss", "stale", "bypass", "revalidated", "coalesced"};
  for (std::size_t i = 0; i < kResults.size(); ++i) {
    cache_[i] = &observe::Registry::global().counter(
        "centinela_cache_requests_total",
        "Requests on caching routes, by how the cache served them",
        {{"route", route_name_}, {"result", std::string(kResults[i])}});
  }
}

void RouteMetrics::count_cache(CacheResult result) {
  if (auto* counter = cache_[static_cast<std::size_t>(result)]) counter->inc();
}

observe::Counter& RouteMetrics::counter_for(std::size_t method_index, std::string_view method,
                                            unsigned status) {
  const unsigned clamped = status < 100 || status > 599 ? 599 : status;
  auto& slot = counters_[method_index][clamped - 100];
  observe::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // First response of this kind: the registry (mutex) hands out a stable
    // object; racing workers get the same one.
    const std::string method_label =
        method_index < kKnownMethods.size() ? std::string(method) : std::string("OTHER");
    counter = &observe::Registry::global().counter(
        "centinela_requests_total", "Requests answered, by route, method and status code",
        {{"route", route_name_}, {"method", method_label}, {"code", std::to_string(clamped)}});
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

void RouteMetrics::record(std::string_view method, unsigned status, double duration_seconds) {
  counter_for(method_index(method), method, status).inc();
  duration_->observe(duration_seconds);
  if (latency_ != nullptr) latency_->observe(duration_seconds);
}

}  // namespace centinela::proxy
