// The per-route cors, cache and compression settings.
#include <algorithm>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// "*", or a serialised origin: scheme://host[:port], no path.
bool is_origin(std::string_view origin) {
  if (origin == "*") return true;
  auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return false;
  std::string_view authority = origin.substr(scheme_end + 3);
  return !authority.empty() && authority.find_first_of("/?# ") == std::string_view::npos;
}

}  // namespace

void read_cors(ErrorList& errors, const YAML::Node& node, const std::string& path,
               CorsConfig& out) {
  if (is_switched_off(node)) return;
  MapFields fields(errors, node, path,
                   {"allow_origins", "allow_methods", "allow_headers", "expose_headers",
                    "allow_credentials", "max_age"});
  if (!fields.is_map()) return;
  out.enabled = true;
  out.allow_origins = {"*"};
  if (fields.read("allow_origins", out.allow_origins)) {
    for (std::size_t i = 0; i < out.allow_origins.size(); ++i) {
      std::string& origin = out.allow_origins[i];
      origin = ascii_lower(origin);
      if (!is_origin(origin)) {
        errors.add(list_item(*fields.find("allow_origins"), i),
                   fields.path_of("allow_origins") + ": '" + origin +
                       "' is not an origin (expected \"*\" or scheme://host[:port])");
      }
    }
  }
  if (const YAML::Node* methods = fields.find("allow_methods")) {
    out.allow_methods = read_methods(errors, *methods, fields.path_of("allow_methods"));
  }
  fields.read("allow_headers", out.allow_headers);
  fields.read("expose_headers", out.expose_headers);
  // Browsers refuse credentialed responses that allow every origin.
  if (fields.read("allow_credentials", out.allow_credentials) && out.allow_credentials &&
      contains(out.allow_origins, "*")) {
    errors.add(*fields.find("allow_credentials"),
               fields.path_of("allow_credentials") +
                   ": cannot be used with allow_origins \"*\"; list the allowed origins");
  }
  fields.read_duration("max_age", out.max_age);
}

void read_route_cache(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      CacheConfig& out) {
  if (read_switch(node, out.enabled)) return;
  MapFields fields(errors, node, path,
                   {"ttl", "stale_while_revalidate", "stale_if_error", "key", "ignore_query_params",
                    "vary_query_params", "bypass", "store_set_cookie", "max_object_size",
                    "lock_timeout", "override"});
  if (!fields.is_map()) return;
  out.enabled = true;
  Duration value{};
  if (fields.read_duration("ttl", value, true)) out.ttl = value;
  if (fields.read_duration("stale_while_revalidate", value)) out.stale_while_revalidate = value;
  if (fields.read_duration("stale_if_error", value)) out.stale_if_error = value;
  if (const YAML::Node* key = fields.find("key")) {
    // Host, path and query are always part of the key; "query" and "host"
    // are accepted for clarity.
    out.key =
        read_key_parts(errors, *key, fields.path_of("key"),
                       {"user", "api_key", "client_cert", "client_cert_sha256", "query", "host"},
                       {"header", "cookie"});
  }
  fields.read("ignore_query_params", out.ignore_query_params);
  fields.read("vary_query_params", out.vary_query_params);
  if (const YAML::Node* bypass = fields.find("bypass")) {
    MapFields bypass_fields(errors, *bypass, fields.path_of("bypass"), {"headers", "cookies"});
    if (bypass_fields.is_map()) {
      bypass_fields.read("headers", out.bypass_headers);
      for (auto& name : out.bypass_headers) name = ascii_lower(name);
      bypass_fields.read("cookies", out.bypass_cookies);
    }
  }
  fields.read("store_set_cookie", out.store_set_cookie);
  fields.read_size("max_object_size", out.max_object_size, true);
  fields.read_duration("lock_timeout", out.lock_timeout, true);
  fields.read_section("override", read_cache_override, out);
}

void read_compression(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      CompressionConfig& out) {
  if (read_switch(node, out.enabled)) return;
  MapFields fields(errors, node, path, {"min_size", "content_types", "algorithms", "levels"});
  if (!fields.is_map()) return;
  out.enabled = true;
  fields.read_size("min_size", out.min_size);
  if (fields.read("content_types", out.content_types)) {
    for (std::size_t i = 0; i < out.content_types.size(); ++i) {
      std::string& type = out.content_types[i];
      type = ascii_lower(type);
      auto slash = type.find('/');
      if (slash == std::string::npos || slash == 0 || slash + 1 == type.size()) {
        errors.add(list_item(*fields.find("content_types"), i),
                   fields.path_of("content_types") + ": '" + type +
                       "' is not a media type (expected type/subtype or type/*)");
      }
    }
  }
  std::vector<std::string> algorithms;
  if (fields.read("algorithms", algorithms)) {
    static const std::vector<std::string_view> kAlgorithms = {"br", "zstd", "gzip"};
    out.algorithms.clear();
    for (std::size_t i = 0; i < algorithms.size(); ++i) {
      std::string name = ascii_lower(algorithms[i]);
      if (std::find(kAlgorithms.begin(), kAlgorithms.end(), name) == kAlgorithms.end()) {
        errors.add(list_item(*fields.find("algorithms"), i),
                   fields.path_of("algorithms") + ": unknown algorithm '" + algorithms[i] +
                       "', expected br, zstd or gzip" + did_you_mean(name, kAlgorithms));
      } else if (!contains(out.algorithms, name)) {
        out.algorithms.push_back(std::move(name));
      }
    }
    if (algorithms.empty()) {
      errors.add(*fields.find("algorithms"),
                 fields.path_of("algorithms") + ": needs at least one algorithm");
    }
  }
  if (const YAML::Node* levels = fields.find("levels")) {
    MapFields level_fields(errors, *levels, fields.path_of("levels"), {"gzip", "br", "zstd"});
    if (level_fields.is_map()) {
      // Each library's own range, from 1 (0 asks the encoders for their
      // default); zstd stops at 19 because 20-22 need --ultra-sized windows
      // no response path should allocate.
      unsigned level = 0;
      if (level_fields.read("gzip", level, 1, 9)) out.levels.gzip = static_cast<int>(level);
      if (level_fields.read("br", level, 1, 11)) out.levels.br = static_cast<int>(level);
      if (level_fields.read("zstd", level, 1, 19)) out.levels.zstd = static_cast<int>(level);
    }
  }
}

}  // namespace centinela::config
