#include "cache/entry_checks.h"

#include <array>
#include <string_view>

#include "http/chars.h"
#include "http/field_lines.h"

namespace centinela::cache {
namespace {

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (http::ascii_lower(a[i]) != lower[i]) return false;
  }
  return true;
}

}  // namespace

bool written_by_the_hit(std::string_view name) {
  static constexpr std::array<std::string_view, 19> kNames = {"content-length",
                                                              "transfer-encoding",
                                                              "connection",
                                                              "keep-alive",
                                                              "proxy-connection",
                                                              "te",
                                                              "trailer",
                                                              "upgrade",
                                                              "date",
                                                              "age",
                                                              "etag",
                                                              "last-modified",
                                                              "content-type",
                                                              "content-encoding",
                                                              "vary",
                                                              "x-cache",
                                                              "cache-status",
                                                              "x-request-id",
                                                              "centinela-cache-control"};
  for (std::string_view known : kNames) {
    if (iequals(name, known)) return true;
  }
  return false;
}

namespace {

bool lower_token(std::string_view name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!http::is_tchar(c) || http::ascii_lower(c) != c) return false;
  }
  return true;
}

bool all_field_values(const std::vector<std::string>& values) {
  for (const auto& value : values) {
    if (!http::is_field_value(value)) return false;
  }
  return true;
}

bool in_range(std::int64_t value, std::int64_t low, std::int64_t high) {
  return value >= low && value <= high;
}

const char* header_problem(const CacheEntry& entry) {
  http::FieldLineReader reader(entry.header_lines);
  http::FieldLine line;
  while (reader.next(line)) {
    if (written_by_the_hit(line.name)) return "stored field the hit writes itself";
  }
  if (reader.malformed()) return "malformed header line";
  for (const std::string* value :
       {&entry.etag, &entry.last_modified, &entry.content_type, &entry.content_encoding}) {
    if (!http::is_field_value(*value)) return "control character in a field value";
  }
  if (!all_field_values(entry.tags)) return "control character in a tag";
  if (entry.vary_names.size() != entry.vary_values.size()) return "vary names and values differ";
  for (const auto& name : entry.vary_names) {
    if (!lower_token(name)) return "bad vary name";
  }
  if (!all_field_values(entry.vary_values)) return "control character in a vary value";
  return nullptr;
}

const char* time_problem(const CacheEntry& entry, std::int64_t now) {
  // Ordered so no difference below can overflow.
  if (!in_range(entry.response_time, now - kMaxDeltaSeconds, now + kMaxClockSkewSeconds)) {
    return "response time out of range";
  }
  if (!in_range(entry.request_time, entry.response_time - kMaxDeltaSeconds, entry.response_time)) {
    return "request time out of range";
  }
  if (!plausible_date(entry.date_value, entry.response_time)) return "date out of range";
  if (!in_range(entry.age_value, 0, kMaxDeltaSeconds)) return "age out of range";
  if (!in_range(entry.freshness_lifetime, 0, kMaxDeltaSeconds)) return "lifetime out of range";
  if (!in_range(entry.stale_while_revalidate, -1, kMaxDeltaSeconds) ||
      !in_range(entry.stale_if_error, -1, kMaxDeltaSeconds)) {
    return "stale window out of range";
  }
  return nullptr;
}

}  // namespace

const char* entry_problem(const CacheEntry& entry, std::int64_t now) {
  if (entry.status_code < 200 || entry.status_code > 599) return "bad status";
  if (const char* problem = header_problem(entry)) return problem;
  return time_problem(entry, now);
}

}  // namespace centinela::cache
