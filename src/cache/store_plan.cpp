#include "cache/store_plan.h"

#include <algorithm>

#include "cache/entry_checks.h"
#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

using stage::ResponseFields;

std::int64_t parse_age(std::string_view text) { return parse_delta_seconds(text).value_or(0); }

// Cache-Tags is comma-separated, Surrogate-Key space-separated (Fastly).
void collect_tags(std::string_view value, std::vector<std::string>& tags) {
  constexpr std::size_t kMaxTags = 64;
  constexpr std::size_t kMaxTagLength = 256;
  std::size_t i = 0;
  while (i < value.size() && tags.size() < kMaxTags) {
    while (i < value.size() && (value[i] == ',' || value[i] == ' ' || value[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < value.size() && value[end] != ',' && value[end] != ' ' && value[end] != '\t') {
      ++end;
    }
    if (end > i && end - i <= kMaxTagLength) tags.emplace_back(value.substr(i, end - i));
    i = end;
  }
}

// The Vary names of a response; `star` also for a field the gateway writes
// anew for every request (it fits no other one) and for an unreadable list.
bool read_vary(const ResponseFields& fields, std::vector<std::string>& names) {
  bool star = false;
  bool readable = true;
  fields.for_each("Vary", [&](std::string_view value) {
    readable = readable && parse_vary(value, names, star);
  });
  star = star || std::any_of(names.begin(), names.end(),
                             [](const std::string& name) { return varies_per_request(name); });
  return star || !readable;
}

}  // namespace

StorePlan plan_store(const ResponseFields& fields, unsigned status, std::string_view method,
                     bool shared_credentials, const config::CacheConfig& policy, std::int64_t now,
                     bool user_entry) {
  StorePlan out;
  ResponseFacts facts;
  facts.method = method;
  facts.status = status;
  facts.request_has_credentials = shared_credentials;
  facts.user_entry = user_entry;
  facts.steering.centinela_cache_control = fields.joined(kSteeringField);
  facts.steering.cdn_cache_control = fields.joined("CDN-Cache-Control");
  facts.steering.cache_control = fields.joined("Cache-Control");
  facts.has_set_cookie = fields.contains("Set-Cookie");
  facts.vary_star = read_vary(fields, out.vary_names);
  facts.has_content_range = fields.contains("Content-Range");
  facts.has_validator = fields.contains("ETag") || fields.contains("Last-Modified");
  facts.date = parse_http_date(fields.find("Date"), now);
  if (fields.contains("Expires")) {
    facts.expires = parse_http_date(fields.find("Expires"), now);
    facts.expires_invalid = !facts.expires;
  }
  facts.last_modified = parse_http_date(fields.find("Last-Modified"), now);
  facts.response_time = now;
  out.plan = plan_storage(facts, policy);
  return out;
}

bool user_entry(const config::CacheConfig& policy, const EntryIdentity& identity) {
  return policy.overrides.authorization == config::CacheAuthorization::per_user &&
         !identity.user.empty();
}

bool kept_when_stored(std::string_view name, bool store_set_cookie) {
  if (ResponseFields::same_name(name, "Set-Cookie")) return store_set_cookie;
  return !written_by_the_hit(name);
}

std::shared_ptr<CacheEntry> build_entry(const EntrySource& source, const ResponseFields& fields,
                                        unsigned status, const StorePlan& plan) {
  auto entry = std::make_shared<CacheEntry>();
  entry->key = source.identity.key;
  entry->host = source.identity.host;
  entry->path_and_query = source.identity.path_and_query;
  entry->user = source.identity.user;
  entry->vary_names = plan.vary_names;
  entry->vary_values.reserve(plan.vary_names.size());
  for (const auto& name : plan.vary_names) {
    // The client's values, as the lookup reads them (not the upstream's:
    // the gateway may remove Accept-Encoding on the way there).
    entry->vary_values.push_back(name == "accept-encoding"
                                     ? std::string(accept_encoding_vary_value(source.request))
                                     : vary_request_value(name, source.request));
  }
  entry->status_code = static_cast<std::uint16_t>(status);
  for (const stage::Field& field : fields) {
    if (field.name.empty()) continue;
    if (ResponseFields::same_name(field.name, "Cache-Tags") ||
        ResponseFields::same_name(field.name, "Surrogate-Key")) {
      collect_tags(field.value, entry->tags);
    }
    if (!kept_when_stored(field.name, source.store_set_cookie)) continue;
    entry->header_lines.append(field.name).append(": ").append(field.value).append("\r\n");
  }
  entry->etag = fields.find("ETag");
  entry->last_modified = fields.find("Last-Modified");
  entry->content_type = fields.find("Content-Type");
  entry->content_encoding = fields.find("Content-Encoding");
  entry->request_time = std::min(source.request_time, source.now);
  entry->response_time = source.now;
  // A Date no clock could have given is taken as absent (RFC 9110 §6.6.1).
  const auto date = parse_http_date(fields.find("Date"), source.now);
  entry->date_value = date && plausible_date(*date, source.now) ? *date : source.now;
  entry->age_value = parse_age(fields.find("Age"));
  entry->freshness_lifetime = plan.plan.freshness_lifetime;
  entry->stale_while_revalidate = plan.plan.stale_while_revalidate;
  entry->stale_if_error = plan.plan.stale_if_error;
  entry->must_revalidate = plan.plan.must_revalidate;
  entry->no_cache = plan.plan.no_cache;
  entry->immutable = plan.plan.immutable;
  return entry;
}

bool append_body(CacheEntry& entry, std::string_view piece, std::uint64_t max_object_size) {
  if (entry.content.size() + piece.size() > max_object_size) return false;
  entry.content.append(piece);
  return true;
}

void finish_entry(CacheEntry& entry) {
  if (entry.content.capacity() > entry.content.size() + entry.content.size() / 16) {
    entry.content.shrink_to_fit();
  }
  entry.header_lines.shrink_to_fit();
}

}  // namespace centinela::cache
