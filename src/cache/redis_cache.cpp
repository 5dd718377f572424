#include "cache/redis_cache.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <utility>

#include "cache/entry_codec.h"
#include "observe/event_log.h"
#include "observe/metrics.h"
#include "redis/client.h"
#include "redis/reply.h"
#include "redis/script.h"

namespace centinela::cache {

namespace asio = boost::asio;
using redis::Reply;

namespace {

// A fetch answers at most this many bytes of entries, well inside the
// client's limit for one reply (reply.h): a reply over it would break the
// worker's connection for every command in flight on it.
constexpr std::size_t kFetchBudgetBytes = 6 << 20;
static_assert(kFetchBudgetBytes + (1 << 20) < redis::kMaxReplyTotalBytes);
static_assert(kMaxL2EntryBytes <= redis::kMaxReplyStringBytes);

// SCAN: keys examined per call, calls per purge (500 × 20000: ten million
// keys), index sets handed to one purge script call.
constexpr int kScanCount = 500;
constexpr std::size_t kMaxScanRounds = 20000;
constexpr std::size_t kKeysPerBatch = 500;

// Writes one variant and its indexes atomically. Every key then lives at
// least `ttl` seconds: TTL is -1 (no expiry) or -2 (none) below any ttl, so a
// key that somehow lost its expiry gets one again (EXPIRE ... GT would leave
// it immortal). A full hash loses a random variant to make room.
// KEYS: entry hash, index sets... ARGV: variant id, encoded entry, ttl,
// primary key (the index sets' member), max variants.
const redis::Script& store_script() {
  static const redis::Script script(R"lua(
local hash, ttl = KEYS[1], tonumber(ARGV[3])
if redis.call('HEXISTS', hash, ARGV[1]) == 0 and
   redis.call('HLEN', hash) >= tonumber(ARGV[5]) then
  local victim = redis.call('HRANDFIELD', hash)
  if victim then redis.call('HDEL', hash, victim) end
end
redis.call('HSET', hash, ARGV[1], ARGV[2])
if redis.call('TTL', hash) < ttl then redis.call('EXPIRE', hash, ttl) end
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[4])
  if redis.call('TTL', KEYS[i]) < ttl then redis.call('EXPIRE', KEYS[i], ttl) end
end
return 1
)lua");
  return script;
}

// The stored variants of one key, bounded in count and bytes (values larger
// than an entry may be are skipped: they were not written by us).
// KEYS: entry hash. ARGV: max variants, byte budget, max entry bytes.
const redis::Script& fetch_script() {
  static const redis::Script script(R"lua(
local values = redis.call('HVALS', KEYS[1])
local most, budget, largest = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out, total = {}, 0
for _, value in ipairs(values) do
  if #out >= most then break end
  local size = #value
  if size <= largest and total + size <= budget then
    out[#out + 1] = value
    total = total + size
  end
end
return out
)lua");
  return script;
}

// Deletes the entry hashes the index sets name, then the sets. Returns how
// many entry hashes existed.
// KEYS: index sets. ARGV: the entry key prefix ("<prefix>e:").
const redis::Script& purge_sets_script() {
  static const redis::Script script(R"lua(
local removed = 0
for _, set in ipairs(KEYS) do
  for _, member in ipairs(redis.call('SMEMBERS', set)) do
    removed = removed + redis.call('UNLINK', ARGV[1] .. member)
  end
  redis.call('UNLINK', set)
end
return removed
)lua");
  return script;
}

// SCAN MATCH treats * ? [ ] \ specially; everything else is literal.
void append_glob_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
}

// A stable short id for a variant: FNV-1a (64-bit) over its Vary names and
// values, each length-prefixed so ("a,b") and ("a","b") differ. A collision
// only makes two variants share a slot; callers compare vary_values anyway.
std::string variant_id(const CacheEntry& entry) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](std::string_view text) {
    auto mix_byte = [&hash](unsigned char byte) {
      hash ^= byte;
      hash *= 0x100000001b3ull;
    };
    std::size_t length = text.size();
    for (int i = 0; i < 4; ++i) mix_byte(static_cast<unsigned char>(length >> (8 * i)));
    for (char c : text) mix_byte(static_cast<unsigned char>(c));
  };
  for (const std::string& name : entry.vary_names) mix(name);
  for (const std::string& value : entry.vary_values) mix(value);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string(hex, 16);
}

// The index set key suffix a purge url or prefix names, the way the L1 reads
// it (memory_store.cpp): "http(s)://Host[:port]/path" names a lower-case host
// without port and a path, anything else a path on any host. Paths always
// start with '/', and "p:<host>" sets put the host first: false when the
// value can match nothing, so that it is not mistaken for a host-qualified
// set ("example.com/x" is no path).
bool purge_target(std::string_view value, std::string& target) {
  target.clear();
  std::size_t scheme_length = 0;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (value.size() >= scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), value.begin(),
                   [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? b + 32 : b); })) {
      scheme_length = scheme.size();
    }
  }
  if (scheme_length == 0) {
    target.assign(value);
    return value.starts_with('/');
  }
  value.remove_prefix(scheme_length);
  std::size_t path_start = std::min(value.find_first_of("/?"), value.size());
  std::string_view authority = value.substr(0, path_start);
  std::string_view path = value.substr(path_start);
  std::size_t port = authority.rfind(':');
  std::size_t bracket = authority.rfind(']');  // an IPv6 literal
  if (port != std::string_view::npos && (bracket == std::string_view::npos || port > bracket)) {
    authority = authority.substr(0, port);
  }
  if (authority.empty()) return false;
  for (char c : authority) target.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
  // A host's sets all continue with its paths' '/': "http://a.com" as a
  // prefix must not reach "a.com.evil/...".
  if (path.empty() || path.front() == '?') target.push_back('/');
  target.append(path);
  return true;
}

// Undecodable values are reported, but at most once a minute per process:
// a Redis full of garbage must not flood the log.
void log_undecodable(std::string_view key, std::string_view reason) {
  static std::atomic<std::int64_t> next_allowed{0};
  static std::atomic<std::uint64_t> suppressed{0};
  std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
  std::int64_t allowed = next_allowed.load(std::memory_order_relaxed);
  if (now < allowed || !next_allowed.compare_exchange_strong(allowed, now + 60)) {
    suppressed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::uint64_t skipped = suppressed.exchange(0, std::memory_order_relaxed);
  observe::log_event(observe::Level::warn, "undecodable cache entry in redis skipped",
                     {{"key", key.substr(0, 256)}, {"reason", reason}, {"suppressed", skipped}});
}

class LatencyTimer {
 public:
  explicit LatencyTimer(observe::Histogram* histogram)
      : histogram_(histogram), start_(std::chrono::steady_clock::now()) {}
  ~LatencyTimer() {
    if (histogram_ == nullptr) return;
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    histogram_->observe(elapsed.count());
  }
  LatencyTimer(const LatencyTimer&) = delete;
  LatencyTimer& operator=(const LatencyTimer&) = delete;

 private:
  observe::Histogram* histogram_;
  std::chrono::steady_clock::time_point start_;
};

// The calls behind one RedisCache operation.
class Calls {
 public:
  Calls(redis::Client& client, const std::string& prefix, observe::Counter* errors)
      : client_(client), prefix_(prefix), errors_(errors) {}

  // The reply when Redis answered without error; counts the failure otherwise.
  std::optional<Reply> ok(std::optional<Reply> reply) {
    if (reply && !reply->is_error()) return reply;
    if (errors_ != nullptr) errors_->inc();
    if (reply) {
      observe::log_event(observe::Level::debug, "redis cache command failed",
                         {{"error", reply->str}});
    }
    return std::nullopt;
  }

  std::string key(std::string_view kind, std::string_view name) const {
    std::string out;
    out.reserve(prefix_.size() + kind.size() + name.size());
    out.append(prefix_).append(kind).append(name);
    return out;
  }

  asio::awaitable<std::optional<std::size_t>> purge_sets(std::vector<std::string> sets) {
    std::size_t removed = 0;
    for (std::size_t first = 0; first < sets.size(); first += kKeysPerBatch) {
      std::size_t last = std::min(sets.size(), first + kKeysPerBatch);
      std::vector<std::string> batch(std::make_move_iterator(sets.begin() + first),
                                     std::make_move_iterator(sets.begin() + last));
      std::vector<std::string> args{key("e:", "")};
      auto reply =
          ok(co_await client_.eval(purge_sets_script(), std::move(batch), std::move(args)));
      if (!reply || reply->type != Reply::Type::integer) {
        if (reply && errors_ != nullptr) errors_->inc();
        co_return std::nullopt;
      }
      removed += static_cast<std::size_t>(std::max<std::int64_t>(reply->integer, 0));
    }
    co_return removed;
  }

  // Walks the keys matching `pattern` with SCAN, handing them to `batch` in
  // groups; false when Redis failed or `batch` did.
  template <typename Batch>
  asio::awaitable<bool> scan(const std::string& pattern, Batch batch) {
    std::string cursor = "0";
    std::vector<std::string> found;
    for (std::size_t round = 0; round < kMaxScanRounds; ++round) {
      // (Argument lists are built apart throughout: GCC 12 fails on braced
      // lists inside co_await expressions.)
      std::vector<std::string> command{"SCAN",  cursor,  "MATCH",
                                       pattern, "COUNT", std::to_string(kScanCount)};
      auto reply = ok(co_await client_.command(std::move(command)));
      if (!reply || reply->type != Reply::Type::array || reply->elements.size() != 2 ||
          reply->elements[0].type != Reply::Type::string ||
          reply->elements[1].type != Reply::Type::array) {
        if (reply && errors_ != nullptr) errors_->inc();
        co_return false;
      }
      cursor = std::move(reply->elements[0].str);
      for (Reply& item : reply->elements[1].elements) {
        if (item.type == Reply::Type::string) found.push_back(std::move(item.str));
      }
      bool done = cursor == "0";
      if (found.size() >= kKeysPerBatch || (done && !found.empty())) {
        if (!co_await batch(std::move(found))) co_return false;
        found.clear();
      }
      if (done) co_return true;
    }
    observe::log_event(observe::Level::warn, "redis cache purge stopped after its scan limit",
                       {{"pattern", pattern}});
    co_return true;
  }

 private:
  redis::Client& client_;
  const std::string& prefix_;
  observe::Counter* errors_;
};

}  // namespace

RedisCache::RedisCache(redis::Client& client, std::string prefix, observe::Histogram* latency,
                       observe::Counter* errors)
    : client_(client), prefix_(std::move(prefix)), latency_(latency), errors_(errors) {}

asio::awaitable<std::optional<std::vector<EntryPtr>>> RedisCache::fetch(std::string_view key,
                                                                        std::int64_t now) {
  LatencyTimer timer(latency_);
  Calls calls(client_, prefix_, errors_);
  std::string hash = calls.key("e:", key);
  std::vector<std::string> keys{std::move(hash)};
  std::vector<std::string> args{std::to_string(kMaxVariantsPerKey),
                                std::to_string(kFetchBudgetBytes),
                                std::to_string(kMaxL2EntryBytes)};
  auto reply = calls.ok(co_await client_.eval(fetch_script(), std::move(keys), std::move(args)));
  if (!reply) co_return std::nullopt;
  if (reply->type != Reply::Type::array) {
    if (errors_ != nullptr) errors_->inc();
    co_return std::nullopt;
  }
  std::vector<EntryPtr> entries;
  entries.reserve(reply->elements.size());
  std::string error;
  for (const Reply& value : reply->elements) {
    if (value.type != Reply::Type::string) continue;
    std::shared_ptr<CacheEntry> entry = decode_entry(value.str, now, error);
    if (entry && entry->key != key) {
      entry.reset();
      error = "stored under another key";
    }
    if (!entry) {
      log_undecodable(key, error);
      continue;
    }
    entries.push_back(std::move(entry));
  }
  co_return entries;
}

asio::awaitable<bool> RedisCache::store(EntryPtr entry, std::int64_t ttl_seconds) {
  if (!entry || ttl_seconds <= 0) co_return false;
  std::string encoded;
  encode_entry(*entry, encoded);
  if (encoded.size() > kMaxL2EntryBytes) co_return false;

  LatencyTimer timer(latency_);
  Calls calls(client_, prefix_, errors_);
  std::vector<std::string> keys;
  keys.reserve(4 + entry->tags.size());
  keys.push_back(calls.key("e:", entry->key));
  for (const std::string& tag : entry->tags) keys.push_back(calls.key("t:", tag));
  if (!entry->user.empty()) keys.push_back(calls.key("u:", entry->user));
  if (!entry->path_and_query.empty()) {
    // By path alone (a purge names a path on any host) and by host and path.
    keys.push_back(calls.key("p:", entry->path_and_query));
    if (!entry->host.empty()) keys.push_back(calls.key("p:", entry->host + entry->path_and_query));
  }
  std::vector<std::string> args{variant_id(*entry), std::move(encoded), std::to_string(ttl_seconds),
                                entry->key, std::to_string(kMaxVariantsPerKey)};
  auto reply = calls.ok(co_await client_.eval(store_script(), std::move(keys), std::move(args)));
  co_return reply.has_value();
}

asio::awaitable<bool> RedisCache::erase_variant(EntryPtr entry) {
  if (!entry) co_return false;
  LatencyTimer timer(latency_);
  Calls calls(client_, prefix_, errors_);
  std::vector<std::string> command{"HDEL", calls.key("e:", entry->key), variant_id(*entry)};
  auto reply = calls.ok(co_await client_.command(std::move(command)));
  co_return reply.has_value();
}

asio::awaitable<std::optional<std::size_t>> RedisCache::purge(const PurgeRequest& request) {
  LatencyTimer timer(latency_);
  Calls calls(client_, prefix_, errors_);
  std::string target;
  switch (request.kind) {
    case PurgeRequest::Kind::url: {
      std::vector<std::string> sets;
      for (const std::string& value : request.values) {
        if (purge_target(value, target)) {
          sets.push_back(calls.key("p:", target));
        }
      }
      co_return co_await calls.purge_sets(std::move(sets));
    }
    case PurgeRequest::Kind::tags:
    case PurgeRequest::Kind::user: {
      std::string_view kind = request.kind == PurgeRequest::Kind::tags ? "t:" : "u:";
      std::vector<std::string> sets;
      for (const std::string& value : request.values) sets.push_back(calls.key(kind, value));
      co_return co_await calls.purge_sets(std::move(sets));
    }
    case PurgeRequest::Kind::prefix: {
      std::size_t removed = 0;
      for (const std::string& value : request.values) {
        if (!purge_target(value, target)) continue;
        std::string pattern;
        append_glob_escaped(pattern, calls.key("p:", target));
        pattern.push_back('*');
        bool ok = co_await calls.scan(pattern,
                                      [&](std::vector<std::string> sets) -> asio::awaitable<bool> {
                                        auto count = co_await calls.purge_sets(std::move(sets));
                                        if (count) removed += *count;
                                        co_return count.has_value();
                                      });
        if (!ok) co_return std::nullopt;
      }
      co_return removed;
    }
    case PurgeRequest::Kind::all: {
      std::size_t removed = 0;
      std::string pattern;
      append_glob_escaped(pattern, prefix_);
      pattern.push_back('*');
      std::string entry_prefix = calls.key("e:", "");
      bool ok = co_await calls.scan(
          pattern, [&](std::vector<std::string> found) -> asio::awaitable<bool> {
            std::vector<std::string> entries{"UNLINK"};
            std::vector<std::string> others{"UNLINK"};
            for (std::string& key : found) {
              (key.starts_with(entry_prefix) ? entries : others).push_back(std::move(key));
            }
            if (entries.size() > 1) {
              auto reply = calls.ok(co_await client_.command(std::move(entries)));
              if (!reply) co_return false;
              if (reply->type == Reply::Type::integer && reply->integer > 0) {
                removed += static_cast<std::size_t>(reply->integer);
              }
            }
            if (others.size() > 1 && !calls.ok(co_await client_.command(std::move(others)))) {
              co_return false;
            }
            co_return true;
          });
      if (!ok) co_return std::nullopt;
      co_return removed;
    }
  }
  co_return std::nullopt;
}

asio::awaitable<bool> RedisCache::publish(std::string message) {
  LatencyTimer timer(latency_);
  Calls calls(client_, prefix_, errors_);
  std::vector<std::string> command{"PUBLISH", std::string(kPurgeChannel), std::move(message)};
  auto reply = calls.ok(co_await client_.command(std::move(command)));
  co_return reply.has_value();
}

}  // namespace centinela::cache
