// The `redis` section and `upstreams` (servers, health checks, pools).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/common_types.h"
#include "config/listener_config.h"
#include "config/tls_client_config.h"

namespace centinela::config {

struct RedisConfig {
  std::string url;  // redis://host:port/db
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  unsigned db = 0;
  std::string password;
  std::string username;  // ACL user (redis://user:password@…); empty: AUTH with the password only
  Duration timeout = std::chrono::milliseconds(250);
  std::optional<TlsClientConfig> tls;  // rediss://, with `redis.tls` (CA, SNI, client cert)
};

struct HealthCheckConfig {
  std::string path;  // empty: no active health checks
  Duration interval = std::chrono::seconds(5);
  Duration timeout = std::chrono::seconds(2);
  unsigned healthy_threshold = 1;    // consecutive successes to mark up
  unsigned unhealthy_threshold = 2;  // consecutive failures to mark down
};

struct PassiveHealthConfig {
  unsigned max_failures = 5;  // consecutive; 0 disables passive ejection
  Duration ejection_time = std::chrono::seconds(30);
};

enum class LoadBalancing { round_robin, least_requests };

struct UpstreamConfig {
  std::string name;
  std::vector<Endpoint> servers;
  Duration connect_timeout = std::chrono::seconds(2);
  Duration timeout = std::chrono::seconds(30);  // from request sent to response head
  std::string host;  // non-empty: Host sent upstream instead of the client's
  LoadBalancing load_balancing = LoadBalancing::round_robin;
  HealthCheckConfig health_check;
  PassiveHealthConfig passive_health;
  unsigned retries = 1;               // extra attempts for idempotent requests
  unsigned max_idle_per_worker = 64;  // keep-alive pool size per worker
  Duration idle_timeout = std::chrono::seconds(60);
  std::optional<TlsClientConfig> tls;  // absent: cleartext to the servers
};

}  // namespace centinela::config
