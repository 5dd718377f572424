// One upstream cluster: its servers and their health, shared by all workers.
// Picking a server touches only relaxed atomics; connections are pooled per
// worker elsewhere (net/upstream_pool.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"
#include "proxy/upstream_server_metrics.h"

namespace centinela::observe {
class Gauge;
class Histogram;
class LatencyWindows;
}  // namespace centinela::observe

namespace centinela::proxy {

using SteadyTime = std::chrono::steady_clock::time_point;

struct UpstreamServer {
  config::Endpoint endpoint;
  // The address to connect to: the endpoint's host, or what its name resolved
  // to when the config was loaded (workers never block on DNS).
  std::string address;
  // Active health: false once health checks fail `unhealthy_threshold` times.
  std::atomic<bool> active_healthy{true};
  // Passive health: consecutive failures, and until when the server is ejected.
  std::atomic<unsigned> consecutive_failures{0};
  std::atomic<std::int64_t> ejected_until_ns{0};
  std::atomic<std::uint64_t> ejections{0};  // since start (kept across reloads)
  std::atomic<unsigned> in_flight{0};
  observe::Gauge* healthy_gauge = nullptr;
  UpstreamServerMetrics metrics;
  std::string address_text;  // "ip:port" (IPv6 in brackets), for the access log

  bool is_available(SteadyTime now) const;
};

class UpstreamCluster {
 public:
  // `live_stats`: record durations for the dashboard and /admin/stats too
  // (admin.live_stats).
  explicit UpstreamCluster(const config::UpstreamConfig& config, bool live_stats = true);

  const config::UpstreamConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  std::span<UpstreamServer> servers() { return {servers_.get(), server_count_}; }
  std::size_t server_count() const { return server_count_; }
  UpstreamServer& server(std::size_t i) { return servers_[i]; }

  // A server to try, skipping those in `tried` (a bit per server index) and
  // those ejected or failing health checks. -1 when none is available.
  int pick(std::uint64_t tried, SteadyTime now);
  bool has_available_server(SteadyTime now) const;

  // Passive health bookkeeping after an attempt.
  void record_success(std::size_t index);
  void record_failure(std::size_t index, SteadyTime now);
  // Active health check result; updates the metric gauge.
  void set_active_health(std::size_t index, bool healthy);
  // Takes over what `previous` (the same upstream in the config a reload
  // replaces) knew of each server still listed, so that a reload does not
  // send traffic to a server that failed its checks or is ejected.
  void inherit_health(const UpstreamCluster& previous, SteadyTime now);
  // Sets each server's centinela_upstream_healthy gauge to whether it takes
  // traffic now. An ejection ends by time passing, with nobody to notice, so
  // the metrics endpoint calls this before it renders.
  void publish_availability(SteadyTime now);

  observe::Histogram& duration_histogram() { return *duration_; }
  // The same durations for /admin/stats' percentiles and the dashboard;
  // null with admin.live_stats: false.
  observe::LatencyWindows* latency_windows() { return latency_; }

 private:
  config::UpstreamConfig config_;
  std::unique_ptr<UpstreamServer[]> servers_;
  std::size_t server_count_ = 0;
  std::atomic<std::uint64_t> next_{0};
  observe::Histogram* duration_ = nullptr;
  observe::LatencyWindows* latency_ = nullptr;
};

}  // namespace centinela::proxy
