// Answering a client from a stored entry: a 304 when its conditional request
// matches, otherwise the stored response in the coding the client prefers
// (compressed once per entry and coding, then reused by every hit), with
// Age, X-Cache and Cache-Status (RFC 9211). The head is written into the
// connection's buffer and goes out with the body in one gather write.
#pragma once

#include <cstdint>
#include <string_view>

#include "cache/cache_entry.h"
#include "net/exchange.h"

namespace centinela::cache {
class MemoryStore;
}

namespace centinela::net {

struct CachedAnswer {
  std::string_view x_cache;       // HIT, STALE, REVALIDATED
  std::string_view cache_status;  // RFC 9211 parameters after "centinela; "
  std::int64_t age = 0;
  std::int64_t ttl = 0;  // seconds of freshness left (negative when stale)
  // Fields for this client alone ("Name: value\r\n" lines), after the entry's.
  std::string_view client_lines = {};
};

asio::awaitable<void> send_cached(Exchange& ex, const cache::CacheEntry& entry,
                                  const CachedAnswer& answer, cache::MemoryStore* store);

// Whether the client's If-None-Match / If-Modified-Since say it already has
// this entry's representation (RFC 9110 §13.2.2 order).
bool client_has_current(const proxy::RequestHead& request, const cache::CacheEntry& entry);

}  // namespace centinela::net
