#include "net/cache_store_tap.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <chrono>

#include "cache/cache_key.h"
#include "cache/entry_checks.h"
#include "net/cache_refresh.h"
#include "proxy/static_header_block.h"

namespace centinela::net {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kSteeringField = "Centinela-Cache-Control";

// Fields not kept in CacheEntry::header_lines: framing and per-message
// fields the hit writes itself, fields kept apart in the entry (written by
// the hit from there), and those this cache consumes.
bool kept_when_stored(const http::fields::value_type& field, bool store_set_cookie) {
  switch (field.name()) {
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::age:
    case http::field::date:
    case http::field::etag:
    case http::field::vary:
    case http::field::content_encoding:
    case http::field::content_type:   // kept once, in CacheEntry::content_type
    case http::field::last_modified:  // kept once, in CacheEntry::last_modified
    case http::field::connection:
      return false;
    case http::field::set_cookie:
      return store_set_cookie;
    default:
      break;
  }
  const auto name = field.name_string();
  return !boost::beast::iequals(name, kSteeringField) && !boost::beast::iequals(name, "X-Cache") &&
         !boost::beast::iequals(name, "Cache-Status") &&
         !boost::beast::iequals(name, "X-Request-ID");
}

std::string_view field_value(const http::fields& fields, http::field name) {
  auto it = fields.find(name);
  return it == fields.end() ? std::string_view{} : std::string_view(it->value());
}

std::int64_t parse_age(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty()) return 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
    if (value > cache::kMaxDeltaSeconds) return cache::kMaxDeltaSeconds;
  }
  return value;
}

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

// Rebuilds a field set from stored "Name: value\r\n" lines.
void add_lines(http::fields& fields, std::string_view lines) {
  while (!lines.empty()) {
    const auto eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      fields.insert(line.substr(0, colon), value);
    }
    if (eol == std::string_view::npos) break;
    lines.remove_prefix(eol + 2);
  }
}

}  // namespace

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view joined_field(const http::fields& fields, std::string_view name,
                              std::string& storage) {
  auto range = fields.equal_range(name);
  if (range.first == range.second) return {};
  auto next = range.first;
  if (++next == range.second) return range.first->value();
  storage.clear();
  constexpr std::size_t kMaxJoined = 16 * 1024;  // the head limit bounds it anyway
  for (auto it = range.first; it != range.second && storage.size() < kMaxJoined; ++it) {
    if (!storage.empty()) storage += ", ";
    storage += it->value();
  }
  return storage;
}

CacheStoreTap::CacheStoreTap(Mode mode, Worker& worker, const config::CacheConfig& policy,
                             const proxy::RequestHead& request, proxy::RequestContext& ctx,
                             const proxy::StaticHeaderBlock* drops, EntryIdentity identity,
                             std::int64_t request_time, cache::EntryPtr stale,
                             bool stale_if_error_ok)
    : mode_(mode),
      worker_(worker),
      policy_(policy),
      request_(request),
      ctx_(ctx),
      drops_(drops),
      identity_(std::move(identity)),
      request_time_(request_time),
      stale_(std::move(stale)),
      stale_if_error_ok_(stale_if_error_ok),
      client_coding_(cache::accept_encoding_vary_value(request)) {}

namespace {

struct Judgement {
  cache::StoragePlan plan;
  std::vector<std::string> vary_names;
};

// `credentials`: the request carried a credential its key does not name.
Judgement judge(const http::fields& head, unsigned status, const proxy::RequestHead& request,
                bool credentials, const config::CacheConfig& policy, std::int64_t now) {
  Judgement out;
  std::string steering_storage[3];
  cache::ResponseFacts facts;
  facts.method = request.method_string();
  facts.status = status;
  facts.request_has_credentials = credentials;
  facts.steering.centinela_cache_control = joined_field(head, kSteeringField, steering_storage[0]);
  facts.steering.cdn_cache_control = joined_field(head, "CDN-Cache-Control", steering_storage[1]);
  facts.steering.cache_control = joined_field(head, "Cache-Control", steering_storage[2]);
  facts.has_set_cookie = head.find(http::field::set_cookie) != head.end();
  std::string vary_storage;
  const std::string_view vary = joined_field(head, "Vary", vary_storage);
  bool star = false;
  const bool vary_ok = cache::parse_vary(vary, out.vary_names, star);
  // A field the gateway writes anew for every request fits no other one.
  star =
      star || std::any_of(out.vary_names.begin(), out.vary_names.end(),
                          [](const std::string& name) { return cache::varies_per_request(name); });
  facts.vary_star = star || !vary_ok;
  facts.has_content_range = head.find(http::field::content_range) != head.end();
  facts.has_validator = head.find(http::field::etag) != head.end() ||
                        head.find(http::field::last_modified) != head.end();
  facts.date = cache::parse_http_date(field_value(head, http::field::date));
  if (auto expires = head.find(http::field::expires); expires != head.end()) {
    facts.expires = cache::parse_http_date(expires->value());
    facts.expires_invalid = !facts.expires;
  }
  facts.last_modified = cache::parse_http_date(field_value(head, http::field::last_modified));
  facts.response_time = now;
  out.plan = cache::plan_storage(facts, policy);
  return out;
}

// What the stored entry was: its fields, with those kept apart set again.
proxy::ResponseHead stored_head(const cache::CacheEntry& stale) {
  proxy::ResponseHead head;
  head.result(stale.status_code);
  add_lines(head, stale.header_lines);
  if (!stale.etag.empty()) head.set(http::field::etag, stale.etag);
  if (!stale.last_modified.empty()) head.set(http::field::last_modified, stale.last_modified);
  if (!stale.content_encoding.empty()) {
    head.set(http::field::content_encoding, stale.content_encoding);
  }
  if (!stale.content_type.empty()) head.set(http::field::content_type, stale.content_type);
  return head;
}

}  // namespace

void CacheStoreTap::start_entry(const proxy::ResponseHead& head, const cache::StoragePlan& plan,
                                const std::vector<std::string>& vary_names) {
  auto entry = std::make_shared<cache::CacheEntry>();
  entry->key = identity_.key;
  entry->host = identity_.host;
  entry->path_and_query = identity_.path_and_query;
  entry->user = identity_.user;
  entry->vary_names = vary_names;
  entry->vary_values.reserve(vary_names.size());
  for (const auto& name : vary_names) {
    // The client's values, as the lookup reads them (not the upstream's).
    entry->vary_values.push_back(name == "accept-encoding"
                                     ? std::string(client_coding_)
                                     : cache::vary_request_value(name, request_));
  }
  entry->status_code = static_cast<std::uint16_t>(head.result_int());
  for (const auto& field : head) {
    if (field.name_string().empty()) continue;
    if (boost::beast::iequals(field.name_string(), "Cache-Tags") ||
        boost::beast::iequals(field.name_string(), "Surrogate-Key")) {
      collect_tags(field.value(), entry->tags);
    }
    if (!kept_when_stored(field, policy_.store_set_cookie)) continue;
    if (drops_ != nullptr && drops_->drops(field.name(), field.name_string())) continue;
    entry->header_lines += field.name_string();
    entry->header_lines += ": ";
    entry->header_lines += field.value();
    entry->header_lines += "\r\n";
  }
  entry->etag = field_value(head, http::field::etag);
  entry->last_modified = field_value(head, http::field::last_modified);
  entry->content_type = field_value(head, http::field::content_type);
  entry->content_encoding = field_value(head, http::field::content_encoding);
  const std::int64_t now = unix_now();
  entry->request_time = request_time_;
  entry->response_time = now;
  // A Date no clock could have given is taken as absent (RFC 9110 §6.6.1).
  const auto date = cache::parse_http_date(field_value(head, http::field::date));
  entry->date_value = date && cache::plausible_date(*date, now) ? *date : now;
  entry->age_value = parse_age(field_value(head, http::field::age));
  entry->freshness_lifetime = plan.freshness_lifetime;
  entry->stale_while_revalidate = plan.stale_while_revalidate;
  entry->stale_if_error = plan.stale_if_error;
  entry->must_revalidate = plan.must_revalidate;
  entry->no_cache = plan.no_cache;
  entry->immutable = plan.immutable;
  building_ = std::move(entry);
}

void CacheStoreTap::refresh_from_304(const proxy::ResponseHead& head) {
  // RFC 9111 §4.3.4: the stored response's fields are updated with those of
  // the 304, and the result is judged anew, like a response arriving.
  proxy::ResponseHead merged = stored_head(*stale_);
  // A 304 describes the stored body: its framing and coding do not replace
  // the stored ones. Its Set-Cookie is this client's, not the entry's
  // (unless the route stores Set-Cookie). Every other field it has (Vary
  // included, judged below) replaces all the stored lines of that name.
  const auto updates = [this](const http::fields::value_type& field) {
    switch (field.name()) {
      case http::field::content_length:
      case http::field::transfer_encoding:
      case http::field::content_encoding:
        return false;
      case http::field::set_cookie:
        return policy_.store_set_cookie;
      default:
        return true;
    }
  };
  for (const auto& field : head) {
    if (updates(field)) merged.erase(field.name_string());
  }
  for (const auto& field : head) {
    if (updates(field)) {
      merged.insert(field.name_string(), field.value());
    } else if (field.name() == http::field::set_cookie) {
      client_lines_.append("Set-Cookie: ").append(field.value()).append("\r\n");
    }
  }
  Judgement judgement = judge(merged, stale_->status_code, request_, identity_.shared_credentials,
                              policy_, unix_now());
  cache::StoreVerdict verdict = judgement.plan.verdict;
  // A Vary other than the stored one selects differently: the entry goes.
  if (verdict == cache::StoreVerdict::ok && merged.find(http::field::vary) != merged.end() &&
      judgement.vary_names != stale_->vary_names) {
    verdict = cache::StoreVerdict::vary_star;
  }
  if (verdict != cache::StoreVerdict::ok) {
    // This client gets the merged response once; what the 304 says about
    // the resource (no-store, private, Vary) drops the stored entry, what it
    // says about this exchange (an answer to a credential) does not.
    judgement.plan.freshness_lifetime = 0;
    judgement.plan.no_cache = true;
    drop_stale_ = verdict != cache::StoreVerdict::authorization;
  }
  start_entry(merged, judgement.plan, stale_->vary_names);
  building_->vary_values = stale_->vary_values;
  building_->tags = stale_->tags;
  building_->content = stale_->content;
  result_ = std::move(building_);
  store_result_ = verdict == cache::StoreVerdict::ok;
}

CacheStoreTap::HeadAction CacheStoreTap::on_head(proxy::ResponseHead& head,
                                                 std::optional<std::uint64_t> length) {
  const unsigned status = head.result_int();
  if (stale_ != nullptr && mode_ != Mode::relay) {
    if (status == 304) {
      refresh_from_304(head);
      swallowed_ = refreshed_ = true;
      return HeadAction::swallow;
    }
    if (stale_if_error_ok_ && status >= 500) {
      swallowed_ = true;
      return HeadAction::swallow;
    }
  }

  Judgement judgement =
      judge(head, status, request_, identity_.shared_credentials, policy_, unix_now());
  cache::StoreVerdict verdict = judgement.plan.verdict;
  const bool fits = !length || *length <= policy_.max_object_size;
  // A HEAD response has no body to keep: storing it under the key GET shares
  // would answer GETs with nothing. HEAD is served from entries GET made.
  const bool head_request = request_.method() == http::verb::head;
  if (verdict == cache::StoreVerdict::ok && head_request) verdict = cache::StoreVerdict::method;
  if (verdict == cache::StoreVerdict::ok && fits) {
    start_entry(head, judgement.plan, judgement.vary_names);
    // Exactly the body's size: a stored entry should not carry the slack of
    // a growing string (it counts against cache.memory for its lifetime).
    if (length) building_->content.reserve(*length);
  }
  // The steering field is for this cache alone.
  head.erase(kSteeringField);

  if (mode_ == Mode::background) {
    swallowed_ = true;
    return HeadAction::swallow;
  }
  ctx_.response_headers.emplace_back("X-Cache", "MISS");
  std::string cache_status = mode_ == Mode::revalidate ? "centinela; fwd=stale; fwd-status="
                                                       : "centinela; fwd=miss; fwd-status=";
  cache_status += std::to_string(status);
  if (building_ != nullptr) {
    cache_status += "; stored";
  } else {
    cache_status += "; detail=";
    cache_status += verdict == cache::StoreVerdict::ok ? "too-large" : cache::to_string(verdict);
  }
  ctx_.response_headers.emplace_back("Cache-Status", std::move(cache_status));
  return HeadAction::relay;
}

void CacheStoreTap::on_body(std::string_view piece) {
  if (building_ == nullptr) return;
  if (building_->content.size() + piece.size() > policy_.max_object_size) {
    building_.reset();  // too large to keep: relayed only
    return;
  }
  building_->content.append(piece);
}

void CacheStoreTap::on_end(bool complete) {
  if (building_ != nullptr && complete) {
    // A chunked body grew by doubling; give back the slack before storing.
    if (building_->content.capacity() >
        building_->content.size() + building_->content.size() / 16) {
      building_->content.shrink_to_fit();
    }
    building_->header_lines.shrink_to_fit();
    result_ = std::move(building_);
    store_result_ = true;
  }
  building_.reset();
  if (store_result_) store_entry(worker_, result_);
  if (drop_stale_) drop_entry(worker_, stale_);
  // Followers get only what was stored: never one client's answer.
  if (flight_ != nullptr) flight_->finish(store_result_ ? result_ : nullptr);
  flight_.reset();
}

}  // namespace centinela::net
