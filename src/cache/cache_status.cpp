#include "cache/cache_status.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "stage/response_fields.h"

namespace centinela::cache {
namespace {

bool from_entry(Outcome outcome) {
  return outcome == Outcome::hit || outcome == Outcome::stale || outcome == Outcome::revalidated;
}

// Age as decimal digits, in a caller's buffer.
std::string_view age_text(std::int64_t age, std::array<char, 24>& buffer) {
  const auto end =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::max<std::int64_t>(age, 0))
          .ptr;
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace

std::string_view x_cache_value(Outcome outcome) {
  switch (outcome) {
    case Outcome::hit:
      return "HIT";
    case Outcome::stale:
      return "STALE";
    case Outcome::revalidated:
      return "REVALIDATED";
    case Outcome::miss:
      return "MISS";
    case Outcome::bypass:
      return "BYPASS";
  }
  return "MISS";
}

void CacheStatusText::append(std::string_view text) {
  const std::size_t n = std::min(text.size(), buffer_.size() - size_);
  std::memcpy(buffer_.data() + size_, text.data(), n);
  size_ += n;
}

void CacheStatusText::append(std::int64_t number) {
  std::array<char, 24> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  append(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())));
}

CacheStatusText::CacheStatusText(const StatusReport& report) {
  append("centinela");
  switch (report.outcome) {
    case Outcome::hit:
      append("; hit");
      break;
    case Outcome::stale:
      append("; hit; fwd=stale");
      break;
    case Outcome::revalidated:
      append("; fwd=stale; fwd-status=");
      append(static_cast<std::int64_t>(report.fwd_status));
      return;
    case Outcome::miss:
      append(report.revalidating ? "; fwd=stale; fwd-status=" : "; fwd=miss; fwd-status=");
      append(static_cast<std::int64_t>(report.fwd_status));
      if (report.stored) {
        append("; stored");
        return;
      }
      break;
    case Outcome::bypass:
      append("; fwd=bypass");
      break;
  }
  if (!report.detail.empty()) {
    append("; detail=");
    append(report.detail);
  }
  if (report.outcome == Outcome::hit || report.outcome == Outcome::stale) {
    append("; ttl=");
    append(report.ttl);
  }
}

void set_status_fields(stage::ResponseFields& fields, const StatusReport& report) {
  // One pass removes whatever the response had under the three names (only
  // the upstream's own Age survives on a response not from an entry).
  const bool with_age = from_entry(report.outcome);
  fields.erase_if([with_age](const stage::Field& field) {
    switch (field.name.size()) {
      case 3:
        return with_age && stage::ResponseFields::same_name(field.name, "Age");
      case 7:
        return stage::ResponseFields::same_name(field.name, "X-Cache");
      case 12:
        return stage::ResponseFields::same_name(field.name, "Cache-Status");
      default:
        return false;
    }
  });
  if (with_age) {
    std::array<char, 24> buffer{};
    fields.add("Age", age_text(report.age, buffer));
  }
  fields.add_view("X-Cache", x_cache_value(report.outcome));
  fields.add("Cache-Status", CacheStatusText(report).view());
}

void add_status_headers(std::vector<std::pair<std::string, std::string>>& headers,
                        const StatusReport& report) {
  if (from_entry(report.outcome)) {
    std::array<char, 24> buffer{};
    headers.emplace_back("Age", age_text(report.age, buffer));
  }
  headers.emplace_back("X-Cache", x_cache_value(report.outcome));
  headers.emplace_back("Cache-Status", CacheStatusText(report).view());
}

}  // namespace centinela::cache
