// GET and DELETE /admin/ratelimit?policy=NAME&key=KEY: one key's state under
// every policy of that name, read or forgotten (see limit/limit_admin.h).
#include <fmt/format.h>

#include <optional>

#include "admin/admin_endpoints.h"
#include "limit/limit_admin.h"

namespace centinela::admin {
namespace {

struct KeyQuery {
  std::string policy;
  std::string key;
};

// Both endpoints' query, read one way.
std::optional<KeyQuery> key_query(std::string_view target) {
  KeyQuery query{query_parameter(target, "policy"), query_parameter(target, "key")};
  if (query.policy.empty() || query.key.empty()) return std::nullopt;
  return query;
}

AdminResponse missing_key_query() {
  return error_response(400, "BAD_REQUEST", "policy and key query parameters are required");
}

}  // namespace

AdminAnswer get_rate_limit(const AdminCall& call) {
  const std::optional<KeyQuery> query = key_query(call.request.target);
  if (!query) co_return missing_key_query();
  // Policies counted in Redis are read there (the in-process state only
  // covers an outage); without Redis, the in-process state.
  std::string described =
      co_await limit::describe_key_everywhere(query->policy, query->key, call.sources.redis());
  co_return json_response(200, std::move(described));
}

AdminAnswer delete_rate_limit(const AdminCall& call) {
  const std::optional<KeyQuery> query = key_query(call.request.target);
  if (!query) co_return missing_key_query();
  // Clears the in-process state and, with Redis, the shared keys too.
  const std::size_t cleared =
      co_await limit::reset_key_everywhere(query->policy, query->key, call.sources.redis());
  co_return json_response(200, fmt::format(R"({{"reset":true,"policy":{},"key":{},"cleared":{}}})",
                                           quoted(query->policy), quoted(query->key), cleared));
}

}  // namespace centinela::admin
