#include "cache/lookup_plan.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>

namespace centinela::cache {
namespace {

namespace http = boost::beast::http;

bool is_unsafe(http::verb method) {
  switch (method) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
      return false;
    default:
      return true;
  }
}

}  // namespace

std::string_view bypass_detail(Bypass bypass) {
  switch (bypass) {
    case Bypass::none:
      return {};
    case Bypass::method:
      return "method";
    case Bypass::rule:
      return "bypass-rule";
    case Bypass::no_store:
      return "no-store";
    case Bypass::range:
      return "range";
    case Bypass::unidentified:
      return "unidentified";
  }
  return {};
}

RequestDirectives request_directives(const RequestHead& request) {
  const auto [first, last] = request.equal_range(http::field::cache_control);
  std::string_view value;
  if (first != last && std::next(first) == last) {
    value = first->value();
  } else if (first != last) {
    // Several lines: one list (RFC 9110 §5.3), joined in a reused buffer.
    thread_local std::string joined;
    joined.clear();
    for (auto it = first; it != last; ++it) {
      if (!joined.empty()) joined += ", ";
      joined += std::string_view(it->value());
    }
    value = joined;
  }
  RequestDirectives directives = parse_request_directives(value);
  if (value.empty()) {
    const auto pragma = request.find(http::field::pragma);
    directives.no_cache =
        pragma != request.end() && boost::beast::iequals(pragma->value(), "no-cache");
  }
  return directives;
}

LookupPlan plan_lookup(const config::CacheConfig& policy, const RequestHead& request) {
  LookupPlan plan;
  const http::verb method = request.method();
  if (method != http::verb::get && method != http::verb::head) {
    plan.bypass = Bypass::method;
    plan.invalidates = is_unsafe(method);
    return plan;
  }
  if (should_bypass(policy, request)) {
    plan.bypass = Bypass::rule;
    return plan;
  }
  plan.directives = request_directives(request);
  if (plan.directives.no_store) {
    plan.bypass = Bypass::no_store;
  } else if (request.find(http::field::range) != request.end()) {
    plan.bypass = Bypass::range;
  }
  return plan;
}

bool credential_without_user(const config::CacheConfig& policy,
                             const config::IdentityConfig* identity, const RequestHead& request,
                             std::string_view user) {
  return policy.overrides.authorization == config::CacheAuthorization::per_user && user.empty() &&
         carries_credentials(identity, request);
}

UseDecision use_for(const CacheEntry& entry, const RequestDirectives& directives,
                    std::int64_t now) {
  UseDecision decision = decide_use(entry, directives, now);
  if (directives.no_cache) decision.use = Usability::must_revalidate;
  return decision;
}

bool refreshes_in_background(const CacheEntry& entry, const UseDecision& use) {
  return use.use == Usability::stale_revalidate_in_background &&
         entry.stale_while_revalidate >= 0 &&
         use.age < entry.freshness_lifetime + entry.stale_while_revalidate;
}

bool strips_override(const config::CacheConfig& policy, std::string_view name) {
  return std::none_of(policy.key.begin(), policy.key.end(), [name](const std::string& part) {
    return part.size() == name.size() + 7 && part.starts_with("header:") &&
           std::string_view(part).substr(7) == name;
  });
}

}  // namespace centinela::cache
