// The configuration printed in CONTRACT.md must load as written.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using std::chrono::milliseconds;
using testing::load_ok;
using testing::problems;

// Copied verbatim from CONTRACT.md, "Configuration (YAML)".
constexpr const char* kContractExample = R"yaml(
server:
  listen: ["127.0.0.1:8080"]          # one or more host:port
  workers: 2                          # default: number of cores
  drain_timeout: 10s
  limits: {max_header_bytes: 16KiB, max_body_bytes: 10MiB, header_timeout: 10s,
           idle_timeout: 60s, max_connections: 10000}
  trusted_proxies: ["127.0.0.1/32"]   # only these may set X-Forwarded-For
admin:
  listen: "127.0.0.1:9901"            # /metrics /health /ready /admin/* /dashboard
  token: "secret"                     # if set, /admin/* needs `Authorization: Bearer secret`
log:
  access: {path: stdout, rotate: {max_size: 100MiB, daily: true, keep: 14, compress: true}}
  slow_request: {normal: 100ms, slow: 500ms, very_slow: 3s}
  redact: {query_params: [token, password], headers: [authorization, cookie]}
redis:                                # absent: single-node, everything in-process
  url: "redis://127.0.0.1:6379/0"
upstreams:
  api:
    servers: ["127.0.0.1:9000"]
    connect_timeout: 2s
    timeout: 30s
    health_check: {path: /health, interval: 5s}
cache:
  memory: 256MiB                      # L1 size bound
  shared: redis                       # L2 in Redis when `redis` is set
routes:
  - match: {prefix: "/api/", methods: [GET, HEAD, POST]}   # also exact:, regex:, host:
    upstream: api
    cache: {ttl: 5m, stale_while_revalidate: 30s, stale_if_error: 1h, key: [user]}
    rate_limit:
      - {name: per_ip, key: ip, limit: 100, window: 15m}
      - {name: per_user, key: user, limit: 20, window: 1m, burst: 5}
    compression: {min_size: 1KiB}
    security_headers: default
)yaml";

TEST(ContractConfig, LoadsWithoutProblems) {
  EXPECT_EQ(problems(kContractExample), std::vector<std::string>{});
}

TEST(ContractConfig, EveryValueArrives) {
  Config config = load_ok(kContractExample);
  EXPECT_EQ(config.source_path, "t.yaml");

  ASSERT_EQ(config.server.listen.size(), 1u);
  EXPECT_EQ(config.server.listen[0].endpoint.host, "127.0.0.1");
  EXPECT_EQ(config.server.listen[0].endpoint.port, 8080);
  EXPECT_EQ(config.server.workers, 2u);
  EXPECT_EQ(config.server.drain_timeout, milliseconds(10'000));
  EXPECT_EQ(config.server.limits.max_header_bytes, 16u * 1024);
  EXPECT_EQ(config.server.limits.max_body_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(config.server.limits.header_timeout, milliseconds(10'000));
  EXPECT_EQ(config.server.limits.idle_timeout, milliseconds(60'000));
  EXPECT_EQ(config.server.limits.max_connections, 10000u);
  ASSERT_EQ(config.server.trusted_proxies.size(), 1u);
  EXPECT_EQ(config.server.trusted_proxies[0].prefix_len, 128u);

  ASSERT_TRUE(config.admin.listen);
  EXPECT_EQ(config.admin.listen->port, 9901);
  EXPECT_EQ(config.admin.token, "secret");

  EXPECT_TRUE(config.log.access.enabled);
  EXPECT_EQ(config.log.access.path, "stdout");
  EXPECT_EQ(config.log.access.rotate.max_size, 100u * 1024 * 1024);
  EXPECT_TRUE(config.log.access.rotate.daily);
  EXPECT_EQ(config.log.access.rotate.keep, 14u);
  EXPECT_TRUE(config.log.access.rotate.compress);
  EXPECT_EQ(config.log.slow_request.very_slow, milliseconds(3000));
  EXPECT_EQ(config.log.redact.query_params, (std::vector<std::string>{"token", "password"}));
  EXPECT_EQ(config.log.redact.headers, (std::vector<std::string>{"authorization", "cookie"}));

  ASSERT_TRUE(config.redis);
  EXPECT_EQ(config.redis->host, "127.0.0.1");
  EXPECT_EQ(config.redis->port, 6379);
  EXPECT_EQ(config.redis->db, 0u);

  ASSERT_EQ(config.upstreams.count("api"), 1u);
  const UpstreamConfig& api = config.upstreams.at("api");
  EXPECT_EQ(api.name, "api");
  ASSERT_EQ(api.servers.size(), 1u);
  EXPECT_EQ(api.servers[0].port, 9000);
  EXPECT_EQ(api.connect_timeout, milliseconds(2000));
  EXPECT_EQ(api.timeout, milliseconds(30'000));
  EXPECT_EQ(api.health_check.path, "/health");
  EXPECT_EQ(api.health_check.interval, milliseconds(5000));

  EXPECT_EQ(config.cache.memory, 256u * 1024 * 1024);
  EXPECT_EQ(config.cache.shared, "redis");

  ASSERT_EQ(config.routes.size(), 1u);
  const RouteConfig& route = config.routes[0];
  EXPECT_EQ(route.name, "/api/");
  EXPECT_EQ(route.match.prefix, "/api/");
  EXPECT_EQ(route.match.methods, (std::vector<std::string>{"GET", "HEAD", "POST"}));
  EXPECT_EQ(route.upstream, "api");
  EXPECT_TRUE(route.cache.enabled);
  EXPECT_EQ(route.cache.ttl, milliseconds(300'000));
  EXPECT_EQ(route.cache.stale_while_revalidate, milliseconds(30'000));
  EXPECT_EQ(route.cache.stale_if_error, milliseconds(3'600'000));
  EXPECT_EQ(route.cache.key, std::vector<std::string>{"user"});
  ASSERT_EQ(route.rate_limit.size(), 2u);
  EXPECT_EQ(route.rate_limit[0].name, "per_ip");
  EXPECT_EQ(route.rate_limit[0].key, std::vector<std::string>{"ip"});
  EXPECT_EQ(route.rate_limit[0].limit, 100u);
  EXPECT_EQ(route.rate_limit[0].window, milliseconds(900'000));
  EXPECT_FALSE(route.rate_limit[0].burst);
  EXPECT_EQ(route.rate_limit[1].burst, 5u);
  EXPECT_EQ(route.rate_limit[1].algorithm, "gcra");
  EXPECT_TRUE(route.compression.enabled);
  EXPECT_EQ(route.compression.min_size, 1024u);
  EXPECT_TRUE(route.security_headers.enabled);
  EXPECT_EQ(route.security_headers.headers.size(), default_security_headers().size());
}

}  // namespace
}  // namespace centinela::config
