// What the cache tells the client about how it answered: X-Cache (HIT, STALE,
// REVALIDATED, MISS, BYPASS), Cache-Status (RFC 9211) and, for an answer
// from a stored entry, Age (RFC 9111 §5.1). Built here and nowhere else.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace centinela::stage {
class ResponseFields;
}

namespace centinela::cache {

enum class Outcome : std::uint8_t {
  hit,          // a fresh stored entry
  stale,        // a stale entry, allowed (stale-while-revalidate, max-stale, stale-if-error)
  revalidated,  // a stale entry the upstream confirmed with a 304
  miss,         // the upstream's response
  bypass,       // the cache took no part
};

struct StatusReport {
  Outcome outcome = Outcome::miss;
  // miss: forwarded to revalidate a stale entry (fwd=stale) rather than for
  // a missing one (fwd=miss).
  bool revalidating = false;
  // Why: "coalesced", "stale-if-error", a store verdict ("no-store"...),
  // "too-large", a bypass reason. Empty: none.
  std::string_view detail;
  unsigned fwd_status = 0;  // miss, revalidated: the upstream's status
  bool stored = false;      // miss: the response is being stored
  std::int64_t age = 0;     // hit, stale, revalidated: the entry's current age
  std::int64_t ttl = 0;     // hit, stale: freshness left (negative when stale)
};

// "HIT", "STALE", "REVALIDATED", "MISS", "BYPASS".
std::string_view x_cache_value(Outcome outcome);

// The Cache-Status value, rendered into a buffer of its own (no allocation).
class CacheStatusText {
 public:
  explicit CacheStatusText(const StatusReport& report);
  std::string_view view() const { return {buffer_.data(), size_}; }

 private:
  void append(std::string_view text);
  void append(std::int64_t number);
  std::array<char, 160> buffer_{};
  std::size_t size_ = 0;
};

// Sets X-Cache, Cache-Status and (for answers from an entry) Age on a
// response, replacing any of those the upstream sent.
void set_status_fields(stage::ResponseFields& fields, const StatusReport& report);

// The same fields as name/value pairs, for a response the cache does not see
// again (a replacement it made: the pipeline adds ctx.response_headers to it).
void add_status_headers(std::vector<std::pair<std::string, std::string>>& headers,
                        const StatusReport& report);

}  // namespace centinela::cache
