#include "cache/invalidation.h"

#include <boost/beast/core/string.hpp>
#include <string>

#include "cache/cache_key.h"

namespace centinela::cache {
namespace {

// "http://host/path?normalised-query" for a target on `host`.
std::string purge_url(const config::CacheConfig& policy, std::string_view host,
                      std::string_view target) {
  const auto question = target.find('?');
  std::string url = "http://";
  url.append(host).append(target.substr(0, question));
  if (question != std::string_view::npos) {
    std::string query;
    normalize_query(policy, target.substr(question + 1), query);
    if (!query.empty()) url.append("?").append(query);
  }
  return url;
}

}  // namespace

std::string_view same_host_path(std::string_view reference, std::string_view host) {
  if (reference.starts_with("/")) {
    return reference.starts_with("//") ? std::string_view{} : reference;
  }
  for (std::string_view scheme : {"http://", "https://"}) {
    if (reference.size() > scheme.size() &&
        boost::beast::iequals(reference.substr(0, scheme.size()), scheme)) {
      std::string_view rest = reference.substr(scheme.size());
      const auto slash = rest.find('/');
      std::string_view authority = rest.substr(0, slash);
      if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        authority = authority.substr(0, colon);
      }
      if (!boost::beast::iequals(authority, host)) return {};
      return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
  }
  return {};
}

std::optional<PurgeRequest> invalidation_purge(const config::CacheConfig& policy,
                                               const UnsafeResponse& response) {
  if (response.status < 200 || response.status >= 400) return std::nullopt;
  PurgeRequest purge;
  purge.kind = PurgeRequest::Kind::url;
  for (const std::string_view target :
       {response.target, same_host_path(response.location, response.host),
        same_host_path(response.content_location, response.host)}) {
    if (!target.empty()) purge.values.push_back(purge_url(policy, response.host, target));
  }
  if (purge.values.empty()) return std::nullopt;
  return purge;
}

}  // namespace centinela::cache
