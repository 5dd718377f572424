// The `server` and `admin` sections.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/common_types.h"
#include "config/listener_config.h"

namespace centinela::config {

struct Limits {
  std::uint64_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;
  Duration header_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::seconds(60);
  std::uint64_t max_connections = 10000;
  // All chunk extensions of one chunked message together (requests and
  // upstream responses); the bytes carry nothing the gateway uses.
  std::uint64_t max_chunk_extension_bytes = 4 * 1024;
};

struct ServerConfig {
  std::vector<ListenerConfig> listen;
  unsigned workers = 0;  // 0: number of cores
  Duration drain_timeout = std::chrono::seconds(10);
  Limits limits;
  std::vector<CidrRange> trusted_proxies;
};

struct AdminConfig {
  std::optional<Endpoint> listen;
  std::string token;  // empty: /admin/* open
  // Host names (lowercase) the admin listener answers besides loopback names
  // and IP literals; "*" answers any (see admin/admin_guard.h).
  std::vector<std::string> allowed_hosts;
  bool live_stats = true;  // the dashboard's per-second series and percentile sketches
};

}  // namespace centinela::config
