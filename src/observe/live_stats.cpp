#include "observe/live_stats.h"

#include <algorithm>
#include <thread>

#include "observe/metrics.h"
#include "observe/worker_index.h"

namespace centinela::observe {

LiveStats::LiveStats(unsigned slots) : slots_(slots), series_(slots), slow_(slots) {}

void LiveStats::mirror_to_prometheus(Registry& registry) {
  series_.mirror(LiveCount::bytes_sent,
                 registry.counter("centinela_response_bytes_total",
                                  "Bytes of responses sent to clients (heads and bodies)"));
  series_.mirror(LiveCount::offloaded_bytes,
                 registry.counter("centinela_offloaded_bytes_total",
                                  "Bytes sent to clients from the cache, not from the origin"));
  series_.mirror(LiveCount::compression_saved_bytes,
                 registry.counter("centinela_compression_saved_bytes_total",
                                  "Bytes compression kept off the wire (identity minus sent)"));
}

LiveStats& LiveStats::global() {
  // Never destroyed: workers may record during static destruction.
  static LiveStats* const stats = [] {
    auto* made = new LiveStats(static_cast<unsigned>(
        std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxWorkers)));
    made->mirror_to_prometheus(Registry::global());
    return made;
  }();
  return *stats;
}

LatencyWindows& LiveStats::named(Named& kind, std::string_view name) {
  const std::lock_guard lock(mutex_);
  if (auto it = kind.find(name); it != kind.end()) return *it->second;
  const std::string key = kind.size() < kMaxSeriesPerKind ? std::string(name) : "(other)";
  auto& slot = kind[key];
  if (!slot) slot = std::make_unique<LatencyWindows>(slots_);
  return *slot;
}

LatencyWindows* LiveStats::origin_timing(std::string_view route, std::string_view metric) {
  const std::lock_guard lock(mutex_);
  auto found = origin_.find(route);
  if (found != origin_.end()) {
    if (auto it = found->second.find(metric); it != found->second.end()) return it->second.get();
  }
  if (origin_series_ >= kMaxOriginSeries) return nullptr;
  if (found == origin_.end()) found = origin_.emplace(std::string(route), Named()).first;
  ++origin_series_;
  auto& slot = found->second[std::string(metric)];
  slot = std::make_unique<LatencyWindows>(slots_);
  return slot.get();
}

LatencyWindows& LiveStats::route(std::string_view name) { return named(routes_, name); }
LatencyWindows& LiveStats::upstream(std::string_view name) { return named(upstreams_, name); }

void LiveStats::tick(std::int64_t unix_second, std::uint64_t active_connections) {
  series_.tick(unix_second, active_connections);
  const std::lock_guard lock(mutex_);
  for (auto& [name, windows] : routes_) windows->tick(unix_second);
  for (auto& [name, windows] : upstreams_) windows->tick(unix_second);
  for (auto& [route, metrics] : origin_) {
    for (auto& [name, windows] : metrics) windows->tick(unix_second);
  }
}

std::vector<std::pair<std::string, const LatencyWindows*>> LiveStats::list(
    const Named& kind) const {
  const std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, const LatencyWindows*>> out;
  out.reserve(kind.size());
  for (const auto& [name, windows] : kind) out.emplace_back(name, windows.get());
  return out;
}

std::vector<std::pair<std::string, const LatencyWindows*>> LiveStats::routes() const {
  return list(routes_);
}
std::vector<std::pair<std::string, const LatencyWindows*>> LiveStats::upstreams() const {
  return list(upstreams_);
}

std::vector<std::pair<std::string, const LatencyWindows*>> LiveStats::origin_timings(
    std::string_view route) const {
  const std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, const LatencyWindows*>> out;
  if (auto found = origin_.find(route); found != origin_.end()) {
    for (const auto& [name, windows] : found->second) out.emplace_back(name, windows.get());
  }
  return out;
}

}  // namespace centinela::observe
