#include "cache/revalidation.h"

#include "cache/lookup_plan.h"
#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

namespace http = boost::beast::http;
using stage::ResponseFields;

// Whether a 304's field replaces the stored ones of its name. A 304
// describes the stored body: its framing and coding do not replace the
// stored ones; its Set-Cookie is this client's (unless the route stores
// them).
bool updates_stored(std::string_view name, bool store_set_cookie) {
  if (ResponseFields::same_name(name, "Set-Cookie")) return store_set_cookie;
  return !ResponseFields::same_name(name, "Content-Length") &&
         !ResponseFields::same_name(name, "Transfer-Encoding") &&
         !ResponseFields::same_name(name, "Content-Encoding");
}

bool dropped_from_refresh(const http::fields::value_type& field,
                          const config::CacheConfig& policy) {
  switch (field.name()) {
    case http::field::if_none_match:
    case http::field::if_modified_since:
    case http::field::if_match:
    case http::field::if_unmodified_since:
    case http::field::if_range:
    case http::field::range:
    case http::field::cache_control:
    case http::field::pragma:
    case http::field::expect:
      return true;
    default:
      break;
  }
  for (const std::string_view name : kUnkeyedOverrides) {
    if (ResponseFields::same_name(field.name_string(), name)) return strips_override(policy, name);
  }
  return false;
}

}  // namespace

RequestHead refresh_request(const RequestHead& client, const CacheEntry& stale,
                            const config::CacheConfig& policy) {
  RequestHead head;
  head.method(http::verb::get);
  head.target(client.target());
  head.version(11);
  for (const auto& field : client) {
    if (!dropped_from_refresh(field, policy)) head.insert(field.name_string(), field.value());
  }
  for_each_validator(
      stale, [&head](std::string_view name, std::string_view value) { head.set(name, value); });
  return head;
}

Refreshed merge_not_modified(const CacheEntry& stale, const ResponseFields& not_modified,
                             const EntrySource& source, const config::CacheConfig& policy,
                             stage::Arena& arena) {
  Refreshed out;
  ResponseFields merged(arena);
  stale.add_fields(merged);
  for (const stage::Field& field : not_modified) {
    if (updates_stored(field.name, policy.store_set_cookie)) merged.erase(field.name);
  }
  for (const stage::Field& field : not_modified) {
    if (updates_stored(field.name, policy.store_set_cookie)) {
      merged.add_view(field.name, field.value);
    } else if (ResponseFields::same_name(field.name, "Set-Cookie")) {
      out.set_cookies.push_back(field.value);
    }
  }
  StorePlan plan = plan_store(merged, stale.status_code, source.request.method_string(),
                              source.identity.shared_credentials, policy, source.now,
                              user_entry(policy, source.identity));
  StoreVerdict verdict = plan.verdict();
  // A Vary other than the stored one selects differently: the entry goes.
  if (verdict == StoreVerdict::ok && merged.contains("Vary") &&
      plan.vary_names != stale.vary_names) {
    verdict = StoreVerdict::vary_star;
  }
  if (verdict != StoreVerdict::ok) {
    // This client gets the merged response once, then it is revalidated.
    plan.plan.freshness_lifetime = 0;
    plan.plan.no_cache = true;
    out.drop_stale = verdict != StoreVerdict::authorization;
  }
  plan.vary_names = stale.vary_names;
  out.entry = build_entry(source, merged, stale.status_code, plan);
  out.entry->vary_values = stale.vary_values;
  out.entry->tags = stale.tags;
  out.entry->content = stale.content;
  out.store = verdict == StoreVerdict::ok;
  return out;
}

}  // namespace centinela::cache
