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
class Counter;
class Gauge;
class Histogram;
class LatencyWindows;
}  // namespace centinela::observe

namespace centinela::tls {
class ClientContext;
}

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
  // What a worker's idle connections to this server are kept under: the
  // endpoint, plus the TLS settings for a TLS upstream, so that a reload
  // never hands a connection made under other settings (or in cleartext).
  std::string pool_key;
  // The TLS failure last logged for this server (1 + TlsFailure; 0: none
  // since the last success), so a failing server logs once, not per request.
  std::atomic<std::uint8_t> tls_failure_logged{0};

  bool is_available(SteadyTime now) const;
};

class UpstreamCluster {
 public:
  // `live_stats`: record durations for the dashboard and /admin/stats too
  // (admin.live_stats). `tls`: the context of an upstream with `tls`
  // (tls/upstream_contexts.h); null for cleartext.
  explicit UpstreamCluster(const config::UpstreamConfig& config, bool live_stats = true,
                           std::shared_ptr<tls::ClientContext> tls = nullptr);

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

  // The TLS context connections to the servers use; null: cleartext.
  tls::ClientContext* tls() const { return tls_.get(); }
  // A handshake with server `index` failed: counted by reason, and logged
  // unless the last failure logged for it was the same.
  void count_tls_failure(std::size_t index, TlsFailure failure, std::string_view detail);
  // A handshake succeeded: the next failure is logged again.
  void tls_succeeded(std::size_t index) {
    if (servers_[index].tls_failure_logged.load(std::memory_order_relaxed) != 0) {
      servers_[index].tls_failure_logged.store(0, std::memory_order_relaxed);
    }
  }

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
  std::shared_ptr<tls::ClientContext> tls_;
  observe::Counter* tls_failures_[kTlsFailureKinds] = {};
};

}  // namespace centinela::proxy
