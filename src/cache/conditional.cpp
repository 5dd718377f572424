#include "cache/conditional.h"

#include "cache/freshness.h"

namespace centinela::cache {
namespace {

namespace http = boost::beast::http;

std::string_view opaque_tag(std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  return etag;
}

// Weak comparison (RFC 9110 §8.8.3.2) of one list against one entity tag;
// a hostile list is read no further than 64 members.
bool none_match_lists(std::string_view list, std::string_view etag) {
  if (etag.empty()) return false;
  const std::string_view want = opaque_tag(etag);
  std::size_t items = 0;
  while (!list.empty() && items++ < 64) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || opaque_tag(item) == want) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

bool client_has_current(const RequestHead& request, const CacheEntry& entry, std::int64_t now) {
  if (entry.status_code != 200) return false;
  const auto none_match = request.find(http::field::if_none_match);
  if (none_match != request.end()) return none_match_lists(none_match->value(), entry.etag);
  const auto since = request.find(http::field::if_modified_since);
  if (since == request.end() || entry.last_modified.empty()) return false;
  const auto since_time = parse_http_date(since->value(), now);
  const auto modified = parse_http_date(entry.last_modified, now);
  return since_time && modified && *modified <= *since_time;
}

}  // namespace centinela::cache
