#include "proxy/upstream_cluster.h"

#include <netdb.h>
#include <sys/socket.h>

#include "observe/event_log.h"
#include "observe/live_stats.h"
#include "observe/metrics.h"

namespace centinela::proxy {
namespace {

// A numeric address for `host`: itself when it is one, else its first
// resolved address (IPv4 preferred by the resolver's order), else itself.
std::string resolve_host(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0 || result == nullptr) {
    observe::log_event(observe::Level::warn, "cannot resolve upstream host", {{"host", host}});
    return host;
  }
  char text[NI_MAXHOST];
  std::string address = host;
  if (::getnameinfo(result->ai_addr, result->ai_addrlen, text, sizeof text, nullptr, 0,
                    NI_NUMERICHOST) == 0) {
    address = text;
  }
  ::freeaddrinfo(result);
  return address;
}

// Everything a TLS connection was made with, beside the server.
std::string tls_pool_key(const std::string& server, const config::TlsClientConfig& tls) {
  std::string key = "tls ";
  key += server;
  for (const std::string* part : {&tls.ca, &tls.sni, &tls.client_cert, &tls.client_key}) {
    key += '\n';
    key += *part;
  }
  key += tls.verify ? "\nverify" : "\nno-verify";
  return key;
}

std::int64_t to_ns(SteadyTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

void UpstreamCluster::count_tls_failure(std::size_t index, TlsFailure failure,
                                        std::string_view detail) {
  const auto kind = static_cast<std::size_t>(failure);
  if (tls_failures_[kind] != nullptr) tls_failures_[kind]->inc();
  UpstreamServer& server = servers_[index];
  const auto logged = static_cast<std::uint8_t>(kind + 1);
  if (server.tls_failure_logged.exchange(logged, std::memory_order_relaxed) == logged) return;
  observe::log_event(observe::Level::warn, "TLS handshake with upstream server failed",
                     {{"upstream", config_.name},
                      {"server", server.endpoint.text},
                      {"reason", std::string(tls_failure_name(failure))},
                      {"detail", std::string(detail)}});
}

bool UpstreamServer::is_available(SteadyTime now) const {
  return active_healthy.load(std::memory_order_relaxed) &&
         ejected_until_ns.load(std::memory_order_relaxed) <= to_ns(now);
}

UpstreamCluster::UpstreamCluster(const config::UpstreamConfig& config, bool live_stats,
                                 std::shared_ptr<tls::ClientContext> tls)
    : config_(config),
      servers_(std::make_unique<UpstreamServer[]>(config.servers.size())),
      server_count_(config.servers.size()),
      tls_(std::move(tls)) {
  auto& registry = observe::Registry::global();
  for (std::size_t i = 0; i < server_count_; ++i) {
    servers_[i].endpoint = config.servers[i];
    servers_[i].address = resolve_host(config.servers[i].host);
    servers_[i].healthy_gauge = &registry.gauge(
        "centinela_upstream_healthy", "1 when the upstream server takes traffic, 0 when not",
        {{"upstream", config.name}, {"server", config.servers[i].text}});
    servers_[i].healthy_gauge->set(1);
    servers_[i].metrics = UpstreamServerMetrics::make(config.name, config.servers[i].text);
    const bool ipv6 = servers_[i].address.find(':') != std::string::npos;
    servers_[i].address_text = (ipv6 ? "[" + servers_[i].address + "]" : servers_[i].address) +
                               ":" + std::to_string(config.servers[i].port);
    servers_[i].pool_key = tls_ == nullptr || !config.tls
                               ? config.servers[i].text
                               : tls_pool_key(config.servers[i].text, *config.tls);
  }
  if (tls_ != nullptr) {
    for (std::size_t i = 0; i < kTlsFailureKinds; ++i) {
      tls_failures_[i] = &registry.counter(
          "centinela_upstream_tls_handshake_failures_total",
          "TLS handshakes with the upstream's servers that failed, by reason",
          {{"upstream", config.name},
           {"reason", std::string(tls_failure_name(static_cast<TlsFailure>(i)))}});
    }
  }
  duration_ = &registry.histogram("centinela_upstream_duration_seconds",
                                  "Time from sending a request upstream to its complete response",
                                  {{"upstream", config.name}});
  if (live_stats) latency_ = &observe::LiveStats::global().upstream(config.name);
}

int UpstreamCluster::pick(std::uint64_t tried, SteadyTime now) {
  const std::size_t n = server_count_;
  if (config_.load_balancing == config::LoadBalancing::least_requests) {
    int best = -1;
    unsigned best_load = ~0u;
    // Start at a rotating offset so ties spread instead of piling on server 0.
    const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = (start + k) % n;
      if ((tried >> (i % 64)) & 1u || !servers_[i].is_available(now)) continue;
      const unsigned load = servers_[i].in_flight.load(std::memory_order_relaxed);
      if (load < best_load) {
        best = static_cast<int>(i);
        best_load = load;
      }
    }
    return best;
  }
  const std::size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t i = (start + k) % n;
    if ((tried >> (i % 64)) & 1u) continue;
    if (servers_[i].is_available(now)) return static_cast<int>(i);
  }
  return -1;
}

bool UpstreamCluster::has_available_server(SteadyTime now) const {
  for (std::size_t i = 0; i < server_count_; ++i) {
    if (servers_[i].is_available(now)) return true;
  }
  return false;
}

void UpstreamCluster::record_success(std::size_t index) {
  auto& s = servers_[index];
  if (s.consecutive_failures.load(std::memory_order_relaxed) != 0) {
    s.consecutive_failures.store(0, std::memory_order_relaxed);
    s.ejections.fetch_add(1, std::memory_order_relaxed);
  }
}

void UpstreamCluster::record_failure(std::size_t index, SteadyTime now) {
  auto& s = servers_[index];
  const unsigned max = config_.passive_health.max_failures;
  const unsigned failures = s.consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1;
  if (max != 0 && failures >= max) {
    s.ejected_until_ns.store(to_ns(now + config_.passive_health.ejection_time),
                             std::memory_order_relaxed);
    s.consecutive_failures.store(0, std::memory_order_relaxed);
  }
}

void UpstreamCluster::set_active_health(std::size_t index, bool healthy) {
  auto& s = servers_[index];
  s.active_healthy.store(healthy, std::memory_order_relaxed);
  s.healthy_gauge->set(s.is_available(std::chrono::steady_clock::now()) ? 1 : 0);
}

void UpstreamCluster::inherit_health(const UpstreamCluster& previous, SteadyTime now) {
  const bool checked = !config_.health_check.path.empty();
  const bool passive = config_.passive_health.max_failures > 0;
  for (std::size_t i = 0; i < server_count_; ++i) {
    UpstreamServer& server = servers_[i];
    for (std::size_t j = 0; j < previous.server_count_; ++j) {
      const UpstreamServer& old = previous.servers_[j];
      if (old.endpoint.text != server.endpoint.text || old.address != server.address) continue;
      server.ejections.store(old.ejections.load(std::memory_order_relaxed));
      if (checked) server.active_healthy.store(old.active_healthy.load(std::memory_order_relaxed));
      if (passive) {
        server.consecutive_failures.store(old.consecutive_failures.load(std::memory_order_relaxed));
        server.ejected_until_ns.store(old.ejected_until_ns.load(std::memory_order_relaxed));
      }
      break;
    }
    server.healthy_gauge->set(server.is_available(now) ? 1 : 0);
  }
}

void UpstreamCluster::publish_availability(SteadyTime now) {
  for (std::size_t i = 0; i < server_count_; ++i) {
    servers_[i].healthy_gauge->set(servers_[i].is_available(now) ? 1 : 0);
  }
}

}  // namespace centinela::proxy
