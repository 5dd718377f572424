// `check -T`'s printer: every section written back so the loader reads the
// same config, and printing that again gives the same text.
#include "config/effective_config.h"

#include <gtest/gtest.h>

#include "config/yaml_writer.h"
#include "load_helpers.h"

namespace centinela::config {
namespace {

using namespace std::chrono_literals;
using testing::load_ok;

// Printed, loaded again and printed again: the two texts are the same.
std::string round_trip(const std::string& yaml) {
  const std::string first = effective_config_yaml(load_ok(yaml));
  const LoadResult again = load_string(first, "effective.yaml");
  EXPECT_TRUE(again.errors.empty()) << again.errors.front().to_string() << "\n" << first;
  if (!again.config) return first;
  EXPECT_EQ(effective_config_yaml(*again.config), first);
  return first;
}

TEST(EffectiveConfigTest, ValuesAreWrittenInTheConfigsUnits) {
  EXPECT_EQ(yaml_duration(0ms), "0s");
  EXPECT_EQ(yaml_duration(250ms), "250ms");
  EXPECT_EQ(yaml_duration(1500ms), "1500ms");
  EXPECT_EQ(yaml_duration(90s), "90s");
  EXPECT_EQ(yaml_duration(15min), "15m");
  EXPECT_EQ(yaml_duration(48h), "2d");
  EXPECT_EQ(yaml_size(0), "0B");
  EXPECT_EQ(yaml_size(1000), "1000B");
  EXPECT_EQ(yaml_size(16 * 1024), "16KiB");
  EXPECT_EQ(yaml_size(256ull << 20), "256MiB");
  EXPECT_EQ(yaml_size(2ull << 30), "2GiB");
  EXPECT_EQ(yaml_number(25), "25");
  EXPECT_EQ(yaml_number(0.5), "0.5");
  EXPECT_EQ(yaml_string("a \"b\" $c\\"), "\"a \\\"b\\\" $$c\\\\\"");
  EXPECT_EQ(yaml_key("$k"), "\"$k\"");
}

TEST(EffectiveConfigTest, EverySectionRoundTrips) {
  const std::string text = round_trip(
      "server: {listen: [\"127.0.0.1:18080\", \"[::1]:18081\"], limits: {max_body_bytes: 3MB}}\n"
      "admin: {listen: \"0.0.0.0:19901\", token: t0ps3cret, allowed_hosts: [admin.example],\n"
      "        live_stats: false}\n"
      "log: {access: off, level: warn, slow_request: {slow: 750ms}}\n"
      "upstreams:\n"
      "  api: {servers: [\"127.0.0.1:9000\"], load_balancing: least_requests, host: origin.test}\n"
      "  \"b$\": {servers: [\"127.0.0.1:9001\"], retries: 0}\n"
      "identity: {jwt: {hs256_secret: \"0123456789abcdef0123456789abcdef-secret\", cookie: sid,\n"
      "                 issuer: https://issuer.example, audience: api, required: true}}\n"
      "threat: {points: {waf: 3}, ban: {durations: [1m, 1h]}, allowlist: [\"2001:db8::/32\"]}\n"
      "waf: {profile: crs, compile_cache: off, incident_log: off, decode: {max_depth: 0}}\n"
      "routes:\n"
      "  - name: web\n"
      "    match: {host: \"*.example.com\", regex: \"^/p/[0-9]+$\", methods: [GET]}\n"
      "    upstream: \"b$\"\n"
      "    timeout: 5s\n"
      "    normalize_path: false\n"
      "    threat: false\n"
      "    websocket: {idle_timeout: 10m, max_tunnels: 7}\n"
      "    server_timing: {origin: pass, add: true}\n"
      "    rewrite: {regex: \"^/p/([0-9]+)$\", replacement: \"/page?id=$1\"}\n"
      "    request_headers: {add: {X-Via: \"$route\"}, remove: [Cookie]}\n"
      "    response_headers: {set: {X-Served-By: centinela}}\n"
      "    security_headers: {preset: none, cross_origin_embedder_policy: require-corp,\n"
      "                       content_security_policy: \"default-src 'none'\", remove: [server]}\n"
      "    waf: {mode: detect, paranoia: 2, exclusions: [{rules: [942100, 920370-920390],\n"
      "          args: [q, \"/^f_/\"]}, {tag: attack-sqli, headers: [X-Raw]}]}\n"
      "    cache: {stale_if_error: 1h, bypass: {headers: [X-Debug], cookies: [preview]},\n"
      "            key: [\"header:x-tenant\", \"cookie:lang\"], vary_query_params: [page],\n"
      "            override: {ignore: [expires], ttl_by_status: {any: 10s, \"4xx\": 1m}}}\n"
      "    rate_limit: {key: [user, \"header:x-tenant\"], limit: 5, window: 1s, burst: 10,\n"
      "                 adaptive: {score: 50, factor: 0.5}, legacy_headers: true}\n");
  for (const char* expected :
       {"token: \"***\"", "hs256_secret: \"********************************\"", "cookie: \"sid\"",
        "path: \"off\"", "max_body_bytes: 3000000B", "\"b$\":", "upstream: \"b$$\"",
        "replacement: \"/page?id=$$1\"", "cross_origin_embedder_policy: \"require-corp\"",
        "incident_log: off", "compile_cache: off", "rules: [\"942100\", \"920370-920390\"]",
        "waf: 3", "allowlist: [\"2001:db8:0:0:0:0:0:0/32\"]", "\"4xx\": 1m", "\"any\": 10s",
        "factor: 0.5", "max_tunnels: 7", "live_stats: false"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_NE(text.find("server_timing:\n      origin: pass\n      add: true"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("t0ps3cret"), std::string::npos);
  EXPECT_EQ(text.find("0123456789abcdef"), std::string::npos);
}

TEST(EffectiveConfigTest, ApiKeysAreMaskedDistinctlyWithTheirUsers) {
  std::string keys;
  for (int i = 0; i < 12; ++i) {
    keys += (keys.empty() ? "" : ", ") + std::string("key-") + char('a' + i) + ": user" +
            std::to_string(i);
  }
  const std::string text = round_trip(
      "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
      "identity: {api_keys: {header: X-Key, keys: {" +
      keys +
      "}}}\n"
      "routes: [{match: {prefix: /}, upstream: api, cache: {key: [api_key]}}]\n");
  EXPECT_NE(text.find("\"***01\": \"user0\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"***12\": \"user11\""), std::string::npos) << text;
  EXPECT_EQ(text.find("key-a"), std::string::npos);
}

TEST(EffectiveConfigTest, TheThreatAllowlistDoesNotRepeatTheRateLimitOne) {
  const std::string text = round_trip(
      "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
      "rate_limit: {allowlist: [10.1.0.0/16]}\n"
      "threat: {allowlist: [10.2.0.0/16]}\n"
      "routes: [{match: {prefix: /}, upstream: api}]\n");
  EXPECT_NE(text.find("allowlist: [\"10.2.0.0/16\"]"), std::string::npos) << text;
}

TEST(EffectiveConfigTest, TracingRoundTripsWithItsHeadersMasked) {
  const std::string text = round_trip(
      "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
      "tracing: {otlp_endpoint: \"http://collector.test:4318/v1/traces?x=1\", sample_ratio: 0.25,\n"
      "          service_name: edge, batch: {max_spans: 64, interval: 250ms}, max_queue: 100,\n"
      "          timeout: 2s, headers: {X-Api-Key: s3cret}}\n"
      "routes: [{match: {prefix: /}, upstream: api}]\n");
  for (const char* expected :
       {"otlp_endpoint: \"http://collector.test:4318/v1/traces?x=1\"", "sample_ratio: 0.25",
        "service_name: \"edge\"", "max_spans: 64", "interval: 250ms", "max_queue: 100",
        "timeout: 2s", "\"X-Api-Key\": \"***\""}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_NE(round_trip("upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
                       "tracing: {sample_ratio: 1}\n"
                       "routes: [{match: {prefix: /}, upstream: api}]\n")
                .find("headers: {}"),
            std::string::npos);
}

}  // namespace
}  // namespace centinela::config
