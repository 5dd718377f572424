#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using std::chrono::milliseconds;
using testing::load_ok;

// One upstream named `app` and the given routes.
Config load_routes(const std::string& routes) {
  return load_ok("upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n" + routes);
}

std::string header(const SecurityHeadersConfig& config, const std::string& name) {
  for (const HeaderValue& header : config.headers) {
    if (header.name == name) return header.value;
  }
  return "<absent>";
}

TEST(Routes, NamesDefaultToThePathPattern) {
  Config config = load_routes(R"(
  - {match: {exact: /login}, upstream: app}
  - {match: {regex: "^/v[0-9]+/"}, upstream: app}
  - {match: {prefix: /static/, host: "*.Example.COM", methods: [get, Head]}, upstream: app}
  - {name: catch-all, upstream: app, timeout: 5s}
)");
  ASSERT_EQ(config.routes.size(), 4u);
  EXPECT_EQ(config.routes[0].name, "/login");
  EXPECT_EQ(config.routes[1].name, "^/v[0-9]+/");
  EXPECT_EQ(config.routes[2].name, "/static/");
  EXPECT_EQ(config.routes[2].match.host, "*.example.com");
  EXPECT_EQ(config.routes[2].match.methods, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_EQ(config.routes[3].name, "catch-all");
  EXPECT_EQ(config.routes[3].timeout, milliseconds(5000));
}

TEST(Routes, DefaultSecurityHeadersAreHelmets) {
  std::vector<HeaderValue> defaults = default_security_headers();
  ASSERT_EQ(defaults.size(), 12u);
  SecurityHeadersConfig config;
  config.headers = defaults;
  EXPECT_EQ(header(config, "Content-Security-Policy"),
            "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action "
            "'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src "
            "'self';script-src-attr 'none';style-src 'self' https: "
            "'unsafe-inline';upgrade-insecure-requests");
  EXPECT_EQ(header(config, "Strict-Transport-Security"), "max-age=31536000; includeSubDomains");
  EXPECT_EQ(header(config, "X-Frame-Options"), "SAMEORIGIN");
  EXPECT_EQ(header(config, "X-XSS-Protection"), "0");
  EXPECT_EQ(header(config, "Origin-Agent-Cluster"), "?1");
  EXPECT_EQ(header(config, "X-DNS-Prefetch-Control"), "off");
}

TEST(Routes, SecurityHeadersOverridesAndOff) {
  Config config = load_routes(R"(
  - name: custom
    upstream: app
    security_headers:
      content_security_policy: "default-src 'none'"
      x_frame_options: false
      x_dns_prefetch_control: off
      x_xss_protection: "false"
      remove: [Server, X-AspNet-Version]
  - {name: bare, upstream: app, security_headers: {preset: none, referrer_policy: same-origin}}
  - {name: off, upstream: app, security_headers: off}
)");
  const SecurityHeadersConfig& custom = config.routes[0].security_headers;
  EXPECT_EQ(header(custom, "Content-Security-Policy"), "default-src 'none'");
  EXPECT_EQ(header(custom, "X-Frame-Options"), "<absent>");
  EXPECT_EQ(header(custom, "X-DNS-Prefetch-Control"), "off");
  EXPECT_EQ(header(custom, "X-XSS-Protection"), "false");  // quoted: a value, not a switch
  EXPECT_EQ(header(custom, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(custom.headers.size(), 11u);
  EXPECT_EQ(custom.remove, (std::vector<std::string>{"server", "x-aspnet-version"}));

  const SecurityHeadersConfig& bare = config.routes[1].security_headers;
  ASSERT_EQ(bare.headers.size(), 1u);
  EXPECT_EQ(header(bare, "Referrer-Policy"), "same-origin");

  EXPECT_FALSE(config.routes[2].security_headers.enabled);
}

TEST(Routes, Cors) {
  Config config = load_routes(R"(
  - upstream: app
    cors:
      allow_origins: ["https://App.example.com", "http://localhost:3000"]
      allow_methods: [get, post]
      allow_headers: [Content-Type]
      expose_headers: [X-Request-ID]
      allow_credentials: true
      max_age: 1h
)");
  const CorsConfig& cors = config.routes[0].cors;
  EXPECT_TRUE(cors.enabled);
  EXPECT_EQ(cors.allow_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost:3000"}));
  EXPECT_EQ(cors.allow_methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(cors.allow_headers, std::vector<std::string>{"Content-Type"});
  EXPECT_EQ(cors.expose_headers, std::vector<std::string>{"X-Request-ID"});
  EXPECT_TRUE(cors.allow_credentials);
  EXPECT_EQ(cors.max_age, milliseconds(3'600'000));

  Config open = load_routes("  - {upstream: app, cors: {}}\n");
  EXPECT_TRUE(open.routes[0].cors.enabled);
  EXPECT_EQ(open.routes[0].cors.allow_origins, std::vector<std::string>{"*"});
}

TEST(Routes, EmptyCacheMapTurnsCachingOn) {
  Config config = load_routes(R"(
  - {name: a, upstream: app, cache: {}}
  - {name: b, upstream: app, cache: {key: [user, "header:Accept-Language"]}}
  - {name: c, upstream: app, cache: off}
)");
  EXPECT_TRUE(config.routes[0].cache.enabled);
  EXPECT_FALSE(config.routes[0].cache.ttl);
  EXPECT_EQ(config.routes[1].cache.key,
            (std::vector<std::string>{"user", "header:accept-language"}));
  EXPECT_FALSE(config.routes[2].cache.enabled);
}

TEST(Routes, CacheAndCompressionMayBeWrittenAsSwitches) {
  Config config = load_routes(R"(
  - {name: a, upstream: app, cache: true, compression: yes}
  - {name: b, upstream: app, cache: On, compression: "no"}
  - {name: c, upstream: app, cache: FALSE, compression: on}
)");
  EXPECT_TRUE(config.routes[0].cache.enabled);
  EXPECT_TRUE(config.routes[0].compression.enabled);
  EXPECT_EQ(config.routes[0].compression.algorithms,
            (std::vector<std::string>{"br", "zstd", "gzip"}));
  EXPECT_TRUE(config.routes[1].cache.enabled);
  EXPECT_FALSE(config.routes[1].compression.enabled);
  EXPECT_FALSE(config.routes[2].cache.enabled);
  EXPECT_TRUE(config.routes[2].compression.enabled);
}

TEST(Routes, RateLimitPolicies) {
  Config config = load_routes(R"(
  - upstream: app
    rate_limit:
      - {key: [ip, "header:X-Api-Key"], limit: 10, window: 1s}
      - {limit: 1000, window: 1h, algorithm: sliding_window}
)");
  const auto& policies = config.routes[0].rate_limit;
  ASSERT_EQ(policies.size(), 2u);
  EXPECT_EQ(policies[0].name, "policy1");
  EXPECT_EQ(policies[0].key, (std::vector<std::string>{"ip", "header:x-api-key"}));
  EXPECT_EQ(policies[0].algorithm, "gcra");
  EXPECT_EQ(policies[1].name, "policy2");
  EXPECT_EQ(policies[1].key, std::vector<std::string>{"ip"});
  EXPECT_EQ(policies[1].algorithm, "sliding_window");
  EXPECT_EQ(policies[1].window, milliseconds(3'600'000));
}

TEST(Routes, Compression) {
  Config config = load_routes(R"(
  - name: a
    upstream: app
    compression: {min_size: 256B, content_types: [Text/HTML, "application/*"], algorithms: [gzip]}
  - {name: b, upstream: app, compression: off}
  - {name: c, upstream: app, compression: {}}
)");
  const CompressionConfig& a = config.routes[0].compression;
  EXPECT_TRUE(a.enabled);
  EXPECT_EQ(a.min_size, 256u);
  EXPECT_EQ(a.content_types, (std::vector<std::string>{"text/html", "application/*"}));
  EXPECT_EQ(a.algorithms, std::vector<std::string>{"gzip"});
  EXPECT_FALSE(config.routes[1].compression.enabled);
  EXPECT_TRUE(config.routes[2].compression.enabled);
  EXPECT_EQ(config.routes[2].compression.algorithms,
            (std::vector<std::string>{"br", "zstd", "gzip"}));
}

TEST(Routes, MatchHostLosesATrailingDotLikeRequestHosts) {
  Config config = load_routes("  - {match: {host: API.Example.com.}, upstream: app}\n");
  EXPECT_EQ(config.routes[0].match.host, "api.example.com");
}

TEST(Routes, NormalizePathDefaultsToTrue) {
  Config config = load_routes(R"(
  - {name: a, upstream: app}
  - {name: b, upstream: app, normalize_path: false}
  - {name: c, upstream: app, normalize_path: yes}
)");
  ASSERT_EQ(config.routes.size(), 3u);
  EXPECT_TRUE(config.routes[0].normalize_path);
  EXPECT_FALSE(config.routes[1].normalize_path);
  EXPECT_TRUE(config.routes[2].normalize_path);
}

TEST(Routes, NormalizePathMustBeABoolean) {
  EXPECT_EQ(testing::problems("upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n"
                              "  - {name: a, upstream: app, normalize_path: sometimes}\n"),
            std::vector<std::string>{"t.yaml:3:46: routes[0].normalize_path: expected a boolean "
                                     "(true or false), got 'sometimes'"});
  EXPECT_EQ(testing::problems("upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n"
                              "  - {name: a, upstream: app, normalise_path: false}\n"),
            std::vector<std::string>{"t.yaml:3:30: unknown key 'normalise_path' in routes[0] "
                                     "(did you mean 'normalize_path'?)"});
}

}  // namespace
}  // namespace centinela::config
