#include "limit/redis_limiter.h"

#include <algorithm>

#include "redis/reply.h"
#include "redis/script.h"

namespace centinela::limit {
namespace {

// One call decides a batch of requests, in order. ARGV: for each request its
// number of policies n, then the place of each of them (1-based) in the
// policy table; then the policy table: five numbers per policy (algorithm: 0
// gcra, 1 sliding; limit; window_us; emission_us; tolerance_us); last, the
// number of policies in the table. KEYS: one per decision, request after
// request. Returns a flat array, four integers per decision: allowed,
// remaining, reset_us, retry_after_us.
//
// Each request is decided all-or-nothing and its writes are done before the
// next request of the batch reads, so two requests for one key in a batch
// see each other exactly as two separate calls would (a GCRA key's TAT is
// kept in the script between them and stored once, at the end). One TIME for
// the batch: its requests arrived in the same event-loop turn. Lua numbers
// are doubles: microseconds since 1970 (~1.7e15) are exact below 2^53.
constexpr const char* kScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local argv, keys = ARGV, KEYS
local policies = tonumber(argv[#argv])
local requests_end = #argv - 1 - 5 * policies
local algo, limit, window, emission, tolerance = {}, {}, {}, {}, {}
for p = 1, policies do
  local b = requests_end + (p - 1) * 5
  algo[p] = tonumber(argv[b + 1])
  limit[p] = tonumber(argv[b + 2])
  window[p] = tonumber(argv[b + 3])
  emission[p] = tonumber(argv[b + 4])
  tolerance[p] = tonumber(argv[b + 5])
end
-- GCRA keys' TATs as this call left them: read once, written once.
local tats, dirty, written = {}, {}, {}
local out, placed, value = {}, {}, {}
local o, k, a = 0, 0, 1
while a <= requests_end do
  local n = tonumber(argv[a])
  local all = true
  for i = 1, n do
    local p = tonumber(argv[a + i])
    local key = keys[k + i]
    local allowed, remaining, reset, retry
    placed[i] = p
    if algo[p] == 0 then
      local tat = tats[key]
      if tat == nil then
        tat = tonumber(redis.call('GET', key) or '0') or 0
        tats[key] = tat
      end
      local base = tat > now and tat or now
      local new_tat = base + emission[p]
      if new_tat - now > tolerance[p] then
        allowed, remaining, reset, retry = 0, 0, base - now, new_tat - now - tolerance[p]
      else
        allowed = 1
        remaining = math.floor((tolerance[p] - (new_tat - now)) / emission[p])
        if remaining < 0 then remaining = 0 end
        reset, retry = new_tat - now, 0
      end
      value[i] = new_tat
    else
      local w = window[p]
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
      local used = redis.call('ZCARD', key)
      reset, retry = 0, 0
      if used > 0 then
        local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        reset = tonumber(newest[2]) + w - now
      end
      if used < limit[p] then
        allowed, remaining, reset = 1, limit[p] - used - 1, w
      else
        local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
        allowed, remaining = 0, 0
        retry = tonumber(oldest[2]) + w - now
      end
      value[i] = used
    end
    if allowed == 0 then all = false end
    local b = o + (i - 1) * 4
    out[b + 1], out[b + 2], out[b + 3], out[b + 4] = allowed, remaining, reset, retry
  end
  for i = 1, n do
    local key = keys[k + i]
    local b = o + (i - 1) * 4
    if not all then
      -- Refused: nothing is spent; remaining of the policies that would
      -- have admitted is what they had before this request.
      if out[b + 1] == 1 then out[b + 2] = out[b + 2] + 1 end
    elseif algo[placed[i]] == 0 then
      if not dirty[key] then
        dirty[key] = true
        written[#written + 1] = key
      end
      tats[key] = value[i]
    else
      redis.call('ZADD', key, now, string.format('%.0f-%d', now, value[i]))
      redis.call('PEXPIRE', key, math.ceil(window[placed[i]] / 1000) + 1)
    end
  end
  o = o + 4 * n
  k = k + n
  a = a + 1 + n
end
for i = 1, #written do
  local key = written[i]
  local tat = tats[key]
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return out
)lua";

constexpr std::string_view kKeyPrefix = "centinela:rl:";

std::int64_t to_us(std::int64_t ns) { return (ns + 999) / 1000; }

}  // namespace

const redis::Script& redis_script() {
  static const redis::Script* s = new redis::Script(kScript);
  return *s;
}

std::string redis_key_prefix(std::string_view scope) {
  std::string prefix(kKeyPrefix);
  prefix.reserve(prefix.size() + scope.size());
  for (char c : scope) prefix += c == '\n' ? ':' : c;
  return prefix;
}

std::string redis_key(std::string_view scope, std::string_view key_text) {
  return redis_key_prefix(scope).append(key_text);
}

void RedisScriptCall::add_request(std::span<const RedisQuery> queries) {
  args_.add(static_cast<std::int64_t>(queries.size()));
  for (const RedisQuery& query : queries) {
    keys_.add({query.key_prefix, query.key_text});
    // A handful of policies per batch: a linear search beats a map.
    auto place = std::find(policies_.begin(), policies_.end(), query.policy);
    if (place == policies_.end()) place = policies_.insert(place, query.policy);
    args_.add(static_cast<std::int64_t>(place - policies_.begin()) + 1);
  }
  ++requests_;
}

void RedisScriptCall::seal() {
  for (const Policy* policy : policies_) {
    args_.add(policy->algorithm == Algorithm::gcra ? 0 : 1);
    args_.add(static_cast<std::int64_t>(policy->limit));
    args_.add(to_us(policy->window_ns));
    args_.add(std::max<std::int64_t>(to_us(policy->emission_ns), 1));
    args_.add(to_us(policy->tolerance_ns));
  }
  args_.add(static_cast<std::int64_t>(policies_.size()));
}

void RedisScriptCall::clear() {
  keys_.clear();
  args_.clear();
  policies_.clear();
  requests_ = 0;
}

bool is_redis_reply(const redis::Reply& reply, std::size_t decisions) {
  using Type = redis::Reply::Type;
  if (reply.type != Type::array || reply.elements.size() != 4 * decisions) return false;
  return std::all_of(reply.elements.begin(), reply.elements.end(),
                     [](const redis::Reply& element) { return element.type == Type::integer; });
}

void read_redis_decisions(const redis::Reply& reply, std::size_t first, std::span<Decision> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    const redis::Reply* e = &reply.elements[4 * (first + i)];
    Decision& d = out[i];
    d.allowed = e[0].integer == 1;
    d.remaining = static_cast<std::uint64_t>(std::max<std::int64_t>(e[1].integer, 0));
    d.reset_ns = std::max<std::int64_t>(e[2].integer, 0) * 1000;
    d.retry_after_ns = std::max<std::int64_t>(e[3].integer, 0) * 1000;
  }
}

}  // namespace centinela::limit
