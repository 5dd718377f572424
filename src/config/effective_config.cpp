// The top-level sections of `check -T`; the routes are in effective_routes.cpp.
#include "config/effective_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "config/effective_sections.h"
#include "config/yaml_writer.h"

namespace centinela::config {
namespace {

constexpr std::string_view kMask = "***";

std::vector<std::string> endpoint_texts(const std::vector<Endpoint>& endpoints) {
  std::vector<std::string> out;
  for (const Endpoint& endpoint : endpoints) out.push_back(endpoint.text);
  return out;
}

void print_rotate(YamlWriter& w, const RotateConfig& rotate) {
  w.begin("rotate");
  w.field("max_size", yaml_size(rotate.max_size));
  w.field("daily", yaml_bool(rotate.daily));
  w.field("keep", std::to_string(rotate.keep));
  w.field("compress", yaml_bool(rotate.compress));
  w.end();
}

std::string_view client_auth_name(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::none:
      return "none";
    case ClientAuth::optional:
      return "optional";
    case ClientAuth::required:
      return "required";
  }
  return "none";
}

void print_listener_tls(YamlWriter& w, const ListenerTlsConfig& tls) {
  w.begin("tls");
  w.begin("certificates");
  for (const TlsCertificateConfig& certificate : tls.certificates) {
    w.begin_item();
    w.field("cert", yaml_string(certificate.cert));
    w.field("key", yaml_string(certificate.key));
    w.end();
  }
  w.end();
  w.field("min_version", yaml_string(tls.min_version));
  if (!tls.ciphers.empty()) w.field("ciphers", yaml_string(tls.ciphers));
  if (!tls.ciphersuites.empty()) w.field("ciphersuites", yaml_string(tls.ciphersuites));
  w.field("session_tickets", yaml_bool(tls.session_tickets));
  w.field("client_auth", std::string(client_auth_name(tls.client_auth)));
  if (!tls.client_ca.empty()) w.field("client_ca", yaml_string(tls.client_ca));
  w.end();
}

// Plain "host:port" entries as a flow list; a list of maps once any listener
// has TLS or HTTP/2.
void print_listeners(YamlWriter& w, const std::vector<ListenerConfig>& listeners) {
  const bool plain = std::all_of(listeners.begin(), listeners.end(), [](const auto& listener) {
    return !listener.tls && !listener.http2;
  });
  if (plain) {
    std::vector<std::string> texts;
    for (const ListenerConfig& listener : listeners) texts.push_back(listener.endpoint.text);
    w.field("listen", yaml_list(texts));
    return;
  }
  w.begin("listen");
  for (const ListenerConfig& listener : listeners) {
    w.begin_item();
    w.field("address", yaml_string(listener.endpoint.text));
    if (listener.tls) print_listener_tls(w, *listener.tls);
    w.field("http2", yaml_bool(listener.http2));
    w.end();
  }
  w.end();
}

void print_server(YamlWriter& w, const ServerConfig& server) {
  w.begin("server");
  print_listeners(w, server.listen);
  w.field("workers", std::to_string(server.workers));
  w.field("drain_timeout", yaml_duration(server.drain_timeout));
  w.begin("limits");
  w.field("max_header_bytes", yaml_size(server.limits.max_header_bytes));
  w.field("max_body_bytes", yaml_size(server.limits.max_body_bytes));
  w.field("header_timeout", yaml_duration(server.limits.header_timeout));
  w.field("idle_timeout", yaml_duration(server.limits.idle_timeout));
  w.field("max_connections", std::to_string(server.limits.max_connections));
  w.field("max_chunk_extension_bytes", yaml_size(server.limits.max_chunk_extension_bytes));
  w.end();
  w.field("trusted_proxies", yaml_cidr_list(server.trusted_proxies));
  w.end();
}

void print_admin(YamlWriter& w, const AdminConfig& admin) {
  w.begin("admin");
  if (admin.listen) w.field("listen", yaml_string(admin.listen->text));
  if (!admin.token.empty()) w.field("token", yaml_string(kMask));
  w.field("allowed_hosts", yaml_list(admin.allowed_hosts));
  w.field("live_stats", yaml_bool(admin.live_stats));
  w.end();
}

void print_log(YamlWriter& w, const LogConfig& log) {
  w.begin("log");
  w.begin("access");
  w.field("path", yaml_string(log.access.enabled ? log.access.path : "off"));
  w.field("format", log.access.format == AccessLogSchema::ecs    ? "ecs"
                    : log.access.format == AccessLogSchema::otel ? "otel"
                                                                 : "centinela");
  print_rotate(w, log.access.rotate);
  w.end();
  w.begin("slow_request");
  w.field("normal", yaml_duration(log.slow_request.normal));
  w.field("slow", yaml_duration(log.slow_request.slow));
  w.field("very_slow", yaml_duration(log.slow_request.very_slow));
  w.end();
  w.begin("redact");
  w.field("query_params", yaml_list(log.redact.query_params));
  w.field("headers", yaml_list(log.redact.headers));
  w.end();
  w.field("level", yaml_string(log.level));
  w.end();
}

void print_redis(YamlWriter& w, const RedisConfig& redis) {
  const std::string host =
      redis.host.find(':') != std::string::npos ? "[" + redis.host + "]" : redis.host;
  // The user is masked like the password: neither belongs in a shared report.
  const std::string user = redis.username.empty() ? "" : std::string(kMask);
  const std::string password = redis.password.empty() ? "" : user + ":" + std::string(kMask) + "@";
  w.begin("redis");
  w.field("url", yaml_string(fmt::format("{}://{}{}:{}/{}", redis.tls ? "rediss" : "redis",
                                         password, host, redis.port, redis.db)));
  w.field("timeout", yaml_duration(redis.timeout));
  if (redis.tls) {
    const TlsClientConfig& tls = *redis.tls;
    w.begin("tls");
    w.field("verify", tls.verify ? "true" : "false");
    if (!tls.ca.empty()) w.field("ca", yaml_string(tls.ca));  // absent: the system's CAs
    if (!tls.sni.empty()) w.field("sni", yaml_string(tls.sni));
    if (!tls.client_cert.empty()) {
      w.field("client_cert", yaml_string(tls.client_cert));
      w.field("client_key", yaml_string(tls.client_key));
    }
    w.end();
  }
  w.end();
}

void print_upstream(YamlWriter& w, const UpstreamConfig& upstream) {
  w.begin(yaml_key(upstream.name));
  w.field("servers", yaml_list(endpoint_texts(upstream.servers)));
  w.field("connect_timeout", yaml_duration(upstream.connect_timeout));
  w.field("timeout", yaml_duration(upstream.timeout));
  if (!upstream.host.empty()) w.field("host", yaml_string(upstream.host));
  w.field("load_balancing", upstream.load_balancing == LoadBalancing::least_requests
                                ? "least_requests"
                                : "round_robin");
  if (!upstream.health_check.path.empty()) {
    const HealthCheckConfig& check = upstream.health_check;
    w.begin("health_check");
    w.field("path", yaml_string(check.path));
    w.field("interval", yaml_duration(check.interval));
    w.field("timeout", yaml_duration(check.timeout));
    w.field("healthy_threshold", std::to_string(check.healthy_threshold));
    w.field("unhealthy_threshold", std::to_string(check.unhealthy_threshold));
    w.end();
  }
  w.begin("passive_health");
  w.field("max_failures", std::to_string(upstream.passive_health.max_failures));
  w.field("ejection_time", yaml_duration(upstream.passive_health.ejection_time));
  w.end();
  w.field("retries", std::to_string(upstream.retries));
  w.field("max_idle_per_worker", std::to_string(upstream.max_idle_per_worker));
  w.field("idle_timeout", yaml_duration(upstream.idle_timeout));
  if (upstream.tls) {
    const TlsClientConfig& tls = *upstream.tls;
    w.begin("tls");
    w.field("verify", yaml_bool(tls.verify));
    if (!tls.ca.empty()) w.field("ca", yaml_string(tls.ca));
    if (!tls.sni.empty()) w.field("sni", yaml_string(tls.sni));
    if (!tls.client_cert.empty()) w.field("client_cert", yaml_string(tls.client_cert));
    if (!tls.client_key.empty()) w.field("client_key", yaml_string(tls.client_key));
    w.end();
  }
  w.end();
}

void print_cache_and_limits(YamlWriter& w, const Config& config) {
  w.begin("cache");
  w.field("memory", yaml_size(config.cache.memory));
  w.field("shared", config.cache.shared.empty() ? "none" : yaml_string(config.cache.shared));
  w.end();
  const RateLimitSettings& limits = config.rate_limit;
  w.begin("rate_limit");
  w.field("allowlist", yaml_cidr_list(limits.allowlist));
  if (!limits.store.empty()) w.field("store", yaml_string(limits.store));
  w.field("on_store_error", yaml_string(limits.on_store_error));
  w.field("legacy_headers", yaml_bool(limits.legacy_headers));
  w.end();
}

void print_identity(YamlWriter& w, const IdentityConfig& identity) {
  if (!identity.jwt && !identity.api_keys) {
    w.field("identity", "{}");
    return;
  }
  w.begin("identity");
  if (identity.jwt) {
    const JwtConfig& jwt = *identity.jwt;
    w.begin("jwt");
    // 32 bytes: the shortest HS256 secret the loader accepts.
    if (!jwt.hs256_secret.empty()) w.field("hs256_secret", yaml_string(std::string(32, '*')));
    if (!jwt.rs256_public_key_file.empty()) {
      w.field("rs256_public_key_file", yaml_string(jwt.rs256_public_key_file));
    }
    if (!jwt.issuer.empty()) w.field("issuer", yaml_string(jwt.issuer));
    if (!jwt.audience.empty()) w.field("audience", yaml_string(jwt.audience));
    w.field("leeway", yaml_duration(jwt.leeway));
    // One of the two: a cookie replaces the header.
    if (jwt.cookie.empty()) {
      w.field("header", yaml_string(jwt.header));
    } else {
      w.field("cookie", yaml_string(jwt.cookie));
    }
    w.field("required", yaml_bool(jwt.required));
    w.end();
  }
  if (identity.api_keys) {
    w.begin("api_keys");
    w.field("header", yaml_string(identity.api_keys->header));
    w.begin("keys");
    // Zero-padded, so the masks sort as the keys did and print the same again.
    const std::size_t width = std::to_string(identity.api_keys->keys.size()).size();
    std::size_t index = 0;
    for (const auto& [key, user] : identity.api_keys->keys) {
      w.field(yaml_key(fmt::format("{}{:0{}}", kMask, ++index, width)), yaml_string(user));
    }
    w.end();
    w.end();
  }
  w.end();
}

// Header values are often credentials: masked, as admin.token is.
void print_tracing(YamlWriter& w, const TracingConfig& tracing) {
  w.begin("tracing");
  w.field("otlp_endpoint", yaml_string(tracing.otlp_endpoint));
  w.field("sample_ratio", yaml_number(tracing.sample_ratio));
  w.field("service_name", yaml_string(tracing.service_name));
  w.begin("batch");
  w.field("max_spans", std::to_string(tracing.batch_max_spans));
  w.field("interval", yaml_duration(tracing.batch_interval));
  w.end();
  w.field("max_queue", std::to_string(tracing.max_queue));
  w.field("timeout", yaml_duration(tracing.timeout));
  if (tracing.headers.empty()) {
    w.field("headers", "{}");
  } else {
    w.begin("headers");
    for (const OtlpHeader& header : tracing.headers) {
      w.field(yaml_key(header.name), yaml_string(kMask));
    }
    w.end();
  }
  w.end();
}

}  // namespace

std::string effective_config_yaml(const Config& config) {
  YamlWriter w;
  print_server(w, config.server);
  print_admin(w, config.admin);
  print_log(w, config.log);
  if (config.redis) print_redis(w, *config.redis);
  w.begin("upstreams");
  for (const auto& [name, upstream] : config.upstreams) print_upstream(w, upstream);
  w.end();
  print_cache_and_limits(w, config);
  if (config.identity) print_identity(w, *config.identity);
  print_waf(w, config.waf);
  if (config.threat) print_threat(w, *config.threat, config.rate_limit.allowlist);
  if (config.tracing) print_tracing(w, *config.tracing);
  print_routes(w, config.routes);
  return w.text();
}

}  // namespace centinela::config
