// Prometheus metrics. Workers update them on every request, so updates are
// relaxed atomics on per-worker, cache-line-padded shards (no shared cache
// line, no lock); a scrape sums the shards. Metrics are created when the
// config loads, never per request: keep the returned reference and reuse it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/worker_index.h"

namespace centinela::observe {

using Labels = std::vector<std::pair<std::string, std::string>>;

namespace detail {
struct alignas(64) PaddedCount {
  std::atomic<std::uint64_t> value{0};
};
// One cache line of histogram words; a shard spans whole lines.
struct alignas(64) CacheLine {
  std::atomic<std::uint64_t> words[8];
};
}  // namespace detail

// A monotonically increasing count.
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept {
    shards_[current_worker_index()].value.fetch_add(n, std::memory_order_relaxed);
  }
  std::uint64_t value() const;

 private:
  detail::PaddedCount shards_[kMaxWorkers];
};

// A value that goes up and down. One atomic: gauges change per connection or
// per state change, not per request, so sharding them is not worth it.
class Gauge {
 public:
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(double d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }
  // Adds 1 unless the value is already `limit` or more: a cap shared by
  // every worker (open WebSocket tunnels per route).
  bool add_one_below(double limit) noexcept {
    double now = value_.load(std::memory_order_relaxed);
    do {
      if (now >= limit) return false;
    } while (!value_.compare_exchange_weak(now, now + 1, std::memory_order_relaxed));
    return true;
  }

 private:
  std::atomic<double> value_{0.0};
};

// Fixed-bucket histogram of observations (seconds, by convention).
class Histogram {
 public:
  // `upper_bounds`: finite and strictly increasing; +Inf is implicit.
  explicit Histogram(std::span<const double> upper_bounds);

  void observe(double seconds) noexcept;

  struct Snapshot {
    std::vector<double> upper_bounds;       // without +Inf
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;
  std::span<const double> upper_bounds() const { return bounds_; }

 private:
  std::atomic<std::uint64_t>& word(unsigned shard, std::size_t index) const noexcept;

  std::vector<double> bounds_;
  std::size_t lines_per_shard_;
  // Per shard: one count per bucket (non-cumulative, +Inf last), then the sum
  // as the bits of a double.
  std::unique_ptr<detail::CacheLine[]> lines_;
};

// 0.001 .. 10 seconds: request and upstream latencies.
std::span<const double> default_latency_buckets();

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry /metrics renders. Never destroyed, so metric
  // references stay valid even during static destruction.
  static Registry& global();

  // Thread-safe (a mutex: call at config load, not per request). The same name
  // and labels (in any order) return the same object, which lives as long as
  // the registry, so metrics survive config reloads. A name already used with
  // another type, or an invalid metric/label name, throws std::invalid_argument
  // (a programming error, found at start-up).
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, const Labels& labels = {},
                       std::span<const double> buckets = default_latency_buckets());

  // Text producers called at render, after the registered families (e.g.
  // upstream health computed on demand). They must append complete families in
  // the text format. Adding under an existing name replaces that collector.
  void add_collector(std::string name, std::function<void(std::string& out)> collect);
  void remove_collector(std::string_view name);

  // Prometheus text format 0.0.4: one HELP/TYPE per family, families sorted by
  // name, including the process_* families; then the collectors' output.
  std::string render() const;

 private:
  struct Family;
  Family& family_for(std::string_view name, std::string_view help, int type);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  std::map<std::string, std::shared_ptr<const std::function<void(std::string&)>>, std::less<>>
      collectors_;
};

// The Content-Type of render()'s output.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace centinela::observe
