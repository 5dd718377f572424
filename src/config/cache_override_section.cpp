// A route's `cache.override` (the operator's word over the origin's headers),
// and the warnings for cached routes whose identity set-up cannot work: a key
// on `user` that nothing fills, credentials whose answers nothing stores.
#include <algorithm>
#include <array>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

// "404" (100..599), "4xx" (1xx..5xx) or "any"; 0 for an exact code, 1 for a
// class, 2 for any — the order entries are looked up in — or -1.
int status_pattern_rank(std::string_view text) {
  if (text == "any") return 2;
  if (text.size() != 3 || text[0] < '1' || text[0] > '5') return -1;
  if (text[1] == 'x' && text[2] == 'x') return 1;
  const bool digits = text[1] >= '0' && text[1] <= '9' && text[2] >= '0' && text[2] <= '9';
  return digits ? 0 : -1;
}

void read_ignore(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 CacheOverrideConfig& out) {
  static const std::vector<std::string_view> kIgnorable = {"cache-control", "expires",
                                                           "set-cookie"};
  const auto names = read_string_list(errors, node, path);
  if (!names) return;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string name = ascii_lower((*names)[i]);
    if (name == "cache-control") {
      out.ignore_cache_control = true;
    } else if (name == "expires") {
      out.ignore_expires = true;
    } else if (name == "set-cookie") {
      out.ignore_set_cookie = true;
    } else {
      errors.add(list_item(node, i), path + ": cannot ignore '" + (*names)[i] +
                                         "', expected cache-control, expires or set-cookie" +
                                         did_you_mean(name, kIgnorable));
    }
  }
}

void read_ttl_by_status(ErrorList& errors, const YAML::Node& node, const std::string& path,
                        std::vector<StatusTtl>& out) {
  if (!node.IsMap()) {
    errors.add(node, path +
                         ": expected a map of status (\"404\", \"5xx\" or any) to duration, got " +
                         describe(node));
    return;
  }
  std::vector<std::pair<int, StatusTtl>> ranked;
  for (const auto& entry : node) {
    const std::string status = lower_scalar(entry.first);
    const int rank = status_pattern_rank(status);
    if (rank < 0) {
      errors.add(entry.first, path + ": '" + entry.first.as<std::string>("") +
                                  "' is not a status (\"404\"), a class (\"4xx\") or any");
      continue;
    }
    const bool repeated = std::any_of(ranked.begin(), ranked.end(), [&status](const auto& r) {
      return r.second.status == status;
    });
    if (repeated) {
      errors.add(entry.first, path + ": '" + status + "' is given twice");
      continue;
    }
    const auto ttl = read_duration(errors, entry.second, path + "." + status);
    if (ttl) ranked.push_back({rank, StatusTtl{status, *ttl}});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [rank, entry] : ranked) out.push_back(std::move(entry));
}

}  // namespace

void read_cache_override(ErrorList& errors, const YAML::Node& node, const std::string& path,
                         CacheConfig& out) {
  MapFields fields(errors, node, path, {"ignore", "ttl_by_status", "authorization"});
  if (!fields.is_map()) return;
  CacheOverrideConfig& rules = out.overrides;
  if (const YAML::Node* ignore = fields.find("ignore")) {
    read_ignore(errors, *ignore, fields.path_of("ignore"), rules);
  }
  if (const YAML::Node* ttls = fields.find("ttl_by_status")) {
    read_ttl_by_status(errors, *ttls, fields.path_of("ttl_by_status"), rules.ttl_by_status);
  }
  if (const YAML::Node* authorization = fields.find("authorization")) {
    const std::string value = lower_scalar(*authorization);
    if (value == "per_user") {
      rules.authorization = CacheAuthorization::per_user;
      // The user is then part of the key: one entry per identity.
      if (!contains(out.key, "user")) out.key.emplace_back("user");
    } else if (value != "standard") {
      errors.add(*authorization, fields.path_of("authorization") +
                                     ": expected standard or per_user, got " +
                                     describe(*authorization));
    }
  }
  // store_set_cookie replays the cookie to everyone; ignore strips it.
  if (rules.ignore_set_cookie && out.store_set_cookie) {
    errors.add(*fields.find("ignore"),
               fields.path_of("ignore") +
                   ": set-cookie (stored without the cookie) contradicts store_set_cookie: true "
                   "(stored with it); choose one");
  }
}

void warn_cache_identity(ErrorList& errors, const YAML::Node& routes,
                         const std::vector<RouteConfig>& read, const Config& config) {
  if (!routes.IsSequence()) return;
  const bool jwt = config.identity && config.identity->jwt;
  const bool api_keys = config.identity && config.identity->api_keys;
  std::size_t index = 0;
  for (const YAML::Node& item : routes) {
    if (!item.IsMap()) continue;
    if (index >= read.size()) return;
    const CacheConfig& cache = read[index++].cache;
    const YAML::Node node = item["cache"];
    if (!cache.enabled || !node) continue;
    const bool per_user = cache.overrides.authorization == CacheAuthorization::per_user;
    const bool keys_user = contains(cache.key, "user");
    if (keys_user && !jwt && !api_keys) {
      const YAML::Node at = node.IsMap() && node["key"] ? node["key"] : node;
      errors.warn(at, per_user ? "this route caches per user, but no `identity` (jwt or "
                                 "api_keys) names one: requests with credentials bypass the cache"
                               : "this route keys its cache on `user`, but no `identity` (jwt or "
                                 "api_keys) names one: every client shares one entry");
      continue;
    }
    // Clients send credentials (RFC 9111 §3.5): their answers are stored
    // only when the origin says public / s-maxage / must-revalidate.
    const bool jwt_unkeyed = jwt && !keys_user;
    const bool api_keys_unkeyed = api_keys && !keys_user && !contains(cache.key, "api_key");
    if (jwt_unkeyed || api_keys_unkeyed) {
      errors.warn(node, std::string("clients of this cached route send credentials (identity.") +
                            (jwt_unkeyed ? "jwt" : "api_keys") +
                            "), and their responses are stored only when the origin marks them "
                            "public or s-maxage; add `override: {authorization: per_user}` to "
                            "cache them per user");
    }
  }
}

}  // namespace centinela::config
