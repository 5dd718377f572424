#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using std::chrono::milliseconds;
using testing::load_ok;
using testing::problems;

TEST(Defaults, EmptyFileListensOnLoopback8080) {
  Config config = load_ok("");
  ASSERT_EQ(config.server.listen.size(), 1u);
  EXPECT_EQ(config.server.listen[0].endpoint.host, "127.0.0.1");
  EXPECT_EQ(config.server.listen[0].endpoint.port, 8080);
  EXPECT_EQ(config.server.listen[0].endpoint.text, "127.0.0.1:8080");
  EXPECT_EQ(config.server.workers, 0u);
  EXPECT_EQ(config.server.drain_timeout, milliseconds(10'000));
  EXPECT_FALSE(config.admin.listen);
  EXPECT_TRUE(config.admin.live_stats);
  EXPECT_FALSE(config.redis);
  EXPECT_TRUE(config.routes.empty());
  EXPECT_EQ(config.cache.memory, 256u * 1024 * 1024);
  EXPECT_EQ(config.cache.shared, "");
}

TEST(Defaults, ChunkExtensionLimit) {
  EXPECT_EQ(load_ok("").server.limits.max_chunk_extension_bytes, 4096u);
  EXPECT_EQ(load_ok("server:\n  limits: {max_chunk_extension_bytes: 64B}\n")
                .server.limits.max_chunk_extension_bytes,
            64u);
  EXPECT_EQ(load_ok("server:\n  limits: {max_chunk_extension_bytes: 0}\n")
                .server.limits.max_chunk_extension_bytes,
            0u);
  EXPECT_EQ(problems("server:\n  limits: {max_chunk_extension_bytes: lots}\n").size(), 1u);
}

TEST(Defaults, SectionsWithNoValueKeepTheirDefaults) {
  Config config = load_ok("server:\nadmin:\nlog:\nredis:\n");
  EXPECT_EQ(config.server.listen.size(), 1u);
  EXPECT_EQ(config.log.level, "info");
  ASSERT_TRUE(config.redis);
  EXPECT_EQ(config.redis->host, "127.0.0.1");
  EXPECT_EQ(config.redis->port, 6379);
  EXPECT_EQ(config.redis->url, "redis://127.0.0.1:6379/0");
}

TEST(Defaults, MinimalRoute) {
  Config config = load_ok(R"(
upstreams:
  app: {servers: backend}
routes:
  - upstream: app
)");
  const UpstreamConfig& app = config.upstreams.at("app");
  EXPECT_EQ(app.servers[0].host, "backend");
  EXPECT_EQ(app.servers[0].port, 80);
  EXPECT_EQ(app.connect_timeout, milliseconds(2000));
  EXPECT_EQ(app.load_balancing, LoadBalancing::round_robin);
  EXPECT_EQ(app.health_check.path, "");
  EXPECT_EQ(app.retries, 1u);

  const RouteConfig& route = config.routes.at(0);
  EXPECT_EQ(route.name, "/");
  EXPECT_TRUE(route.match.methods.empty());
  EXPECT_EQ(route.timeout, milliseconds(0));
  EXPECT_TRUE(route.security_headers.enabled);
  EXPECT_EQ(route.security_headers.headers.size(), default_security_headers().size());
  EXPECT_EQ(route.security_headers.remove, (std::vector<std::string>{"server", "x-powered-by"}));
  EXPECT_FALSE(route.cors.enabled);
  EXPECT_FALSE(route.cache.enabled);
  EXPECT_TRUE(route.rate_limit.empty());
  EXPECT_FALSE(route.compression.enabled);
}

TEST(Defaults, ListenAcceptsOneStringAndIpv6) {
  Config config = load_ok("server: {listen: \"[::1]:8443\"}\n");
  ASSERT_EQ(config.server.listen.size(), 1u);
  EXPECT_EQ(config.server.listen[0].endpoint.host, "::1");
  EXPECT_EQ(config.server.listen[0].endpoint.port, 8443);
}

TEST(Defaults, TrustedProxiesStoreIpv4Mapped) {
  Config config = load_ok("server: {trusted_proxies: [10.0.0.0/8, \"::1\", 192.168.1.7]}\n");
  ASSERT_EQ(config.server.trusted_proxies.size(), 3u);
  EXPECT_EQ(config.server.trusted_proxies[0].prefix_len, 104u);
  EXPECT_EQ(config.server.trusted_proxies[0].bytes[10], 0xff);
  EXPECT_EQ(config.server.trusted_proxies[0].bytes[12], 10);
  EXPECT_EQ(config.server.trusted_proxies[1].prefix_len, 128u);
  EXPECT_EQ(config.server.trusted_proxies[2].prefix_len, 128u);
}

TEST(Defaults, RedisUrlWithPasswordAndDatabase) {
  Config config =
      load_ok("redis: {url: \"redis://:s%40cret@cache.internal:6380/3\", timeout: 1s}\n");
  ASSERT_TRUE(config.redis);
  EXPECT_EQ(config.redis->host, "cache.internal");
  EXPECT_EQ(config.redis->port, 6380);
  EXPECT_EQ(config.redis->db, 3u);
  EXPECT_EQ(config.redis->password, "s@cret");
  EXPECT_EQ(config.redis->timeout, milliseconds(1000));
}

TEST(Defaults, AccessLogOffAndShorthandPath) {
  EXPECT_FALSE(load_ok("log: {access: off}\n").log.access.enabled);
  EXPECT_FALSE(load_ok("log: {access: false}\n").log.access.enabled);
  Config to_file = load_ok("log: {access: /var/log/centinela.log, level: WARN}\n");
  EXPECT_TRUE(to_file.log.access.enabled);
  EXPECT_EQ(to_file.log.access.path, "/var/log/centinela.log");
  EXPECT_EQ(to_file.log.level, "warn");
}

TEST(Defaults, UpstreamSettings) {
  Config config = load_ok(R"(
upstreams:
  api:
    servers: ["10.0.0.1:9000", "[fd00::2]:9000"]
    host: api.internal
    load_balancing: least_requests
    health_check: {path: /healthz, interval: 2s, timeout: 500ms, healthy_threshold: 2,
                   unhealthy_threshold: 3}
    passive_health: {max_failures: 0, ejection_time: 1m}
    retries: 0
    max_idle_per_worker: 8
    idle_timeout: 90s
)");
  const UpstreamConfig& api = config.upstreams.at("api");
  ASSERT_EQ(api.servers.size(), 2u);
  EXPECT_EQ(api.servers[1].host, "fd00::2");
  EXPECT_EQ(api.host, "api.internal");
  EXPECT_EQ(api.load_balancing, LoadBalancing::least_requests);
  EXPECT_EQ(api.health_check.timeout, milliseconds(500));
  EXPECT_EQ(api.health_check.healthy_threshold, 2u);
  EXPECT_EQ(api.health_check.unhealthy_threshold, 3u);
  EXPECT_EQ(api.passive_health.max_failures, 0u);
  EXPECT_EQ(api.passive_health.ejection_time, milliseconds(60'000));
  EXPECT_EQ(api.retries, 0u);
  EXPECT_EQ(api.max_idle_per_worker, 8u);
  EXPECT_EQ(api.idle_timeout, milliseconds(90'000));
}

TEST(LoadFile, MissingFileIsOneProblemWithoutPosition) {
  LoadResult result = load_file("/nonexistent/centinela.yaml");
  EXPECT_FALSE(result.config);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "/nonexistent/centinela.yaml: cannot open file: No such file or directory");
}

}  // namespace
}  // namespace centinela::config
