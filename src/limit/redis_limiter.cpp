#include "limit/redis_limiter.h"

#include <algorithm>

#include "redis/client.h"
#include "redis/reply.h"
#include "redis/script.h"

namespace centinela::limit {
namespace {

// One call decides a batch of requests (see redis_batch.h), in order. ARGV
// per request: its policy count n, then five per policy: algorithm (0 gcra,
// 1 sliding), limit, window_us, emission_us, tolerance_us; KEYS: the
// requests' keys one after the other. Returns one array per request:
// {all_allowed, then per policy: allowed, remaining, reset_us,
// retry_after_us}. Each request is decided all-or-nothing and its writes are
// done before the next request of the batch reads, so two requests for one
// key in a batch see each other exactly as two separate calls would (a GCRA
// key's TAT is kept in the script between them and stored once). One
// TIME for the batch: its requests arrived in the same event-loop turn. Lua
// numbers are doubles: microseconds since 1970 (~1.7e15) are exact below
// 2^53.
constexpr const char* kScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- GCRA keys' TATs as this call left them: a key several requests of the
-- batch share is read once and written once, at the end.
local tats, dirty, written = {}, {}, {}
local function tat_of(key)
  local tat = tats[key]
  if tat == nil then
    tat = tonumber(redis.call('GET', key) or '0') or 0
    tats[key] = tat
  end
  return tat
end
local function decide(k0, a0, n)
  local out = {1}
  local writes = {}
  for i = 1, n do
    local b = a0 + (i - 1) * 5
    local key = KEYS[k0 + i]
    local algo = tonumber(ARGV[b + 1])
    local limit = tonumber(ARGV[b + 2])
    local window = tonumber(ARGV[b + 3])
    local emission = tonumber(ARGV[b + 4])
    local tolerance = tonumber(ARGV[b + 5])
    local allowed, remaining, reset, retry
    if algo == 0 then
      local tat = tat_of(key)
      local base = math.max(tat, now)
      local new_tat = base + emission
      if new_tat - now > tolerance then
        allowed, remaining, reset, retry = 0, 0, base - now, new_tat - now - tolerance
      else
        allowed = 1
        remaining = math.floor((tolerance - (new_tat - now)) / emission)
        if remaining < 0 then remaining = 0 end
        reset, retry = new_tat - now, 0
        writes[i] = new_tat
      end
    else
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      local used = redis.call('ZCARD', key)
      reset, retry = 0, 0
      if used > 0 then
        local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
        reset = tonumber(newest[2]) + window - now
      end
      if used < limit then
        allowed, remaining = 1, limit - used - 1
        reset = window
        writes[i] = used
      else
        local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
        allowed, remaining = 0, 0
        retry = tonumber(oldest[2]) + window - now
      end
    end
    if allowed == 0 then out[1] = 0 end
    out[#out + 1] = allowed
    out[#out + 1] = remaining
    out[#out + 1] = reset
    out[#out + 1] = retry
  end
  if out[1] == 1 then
    for i = 1, n do
      local b = a0 + (i - 1) * 5
      local key = KEYS[k0 + i]
      if tonumber(ARGV[b + 1]) == 0 then
        if not dirty[key] then
          dirty[key] = true
          written[#written + 1] = key
        end
        tats[key] = writes[i]
      else
        local window = tonumber(ARGV[b + 3])
        redis.call('ZADD', key, now, string.format('%.0f-%d', now, writes[i]))
        redis.call('PEXPIRE', key, math.ceil(window / 1000) + 1)
      end
    end
  else
    -- Refused: nothing is spent; remaining of the policies that would have
    -- admitted is what they had before this request.
    for i = 1, n do
      local k = 1 + (i - 1) * 4
      if out[k + 1] == 1 then out[k + 2] = out[k + 2] + 1 end
    end
  end
  return out
end
local results = {}
local k, a = 0, 1
while a <= #ARGV do
  local n = tonumber(ARGV[a])
  results[#results + 1] = decide(k, a, n)
  k = k + n
  a = a + 1 + 5 * n
end
for i = 1, #written do
  local key = written[i]
  local tat = tats[key]
  redis.call('SET', key, string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return results
)lua";

}  // namespace

const redis::Script& redis_script() {
  static const redis::Script* s = new redis::Script(kScript);
  return *s;
}

namespace {
std::int64_t to_us(std::int64_t ns) { return (ns + 999) / 1000; }
}  // namespace

std::string redis_key(std::string_view scope, std::string_view key_text) {
  std::string key = "centinela:rl:";
  key.reserve(key.size() + scope.size() + key_text.size());
  for (char c : scope) key += c == '\n' ? ':' : c;
  key += key_text;
  return key;
}

void append_redis_script_args(std::vector<std::string>& args,
                              std::span<const Policy* const> policies) {
  args.push_back(std::to_string(policies.size()));
  for (const Policy* policy : policies) {
    args.push_back(policy->algorithm == Algorithm::gcra ? "0" : "1");
    args.push_back(std::to_string(policy->limit));
    args.push_back(std::to_string(to_us(policy->window_ns)));
    args.push_back(std::to_string(std::max<std::int64_t>(to_us(policy->emission_ns), 1)));
    args.push_back(std::to_string(to_us(policy->tolerance_ns)));
  }
}

std::optional<std::vector<Decision>> parse_redis_reply(const redis::Reply& reply,
                                                       std::size_t policy_count) {
  using Type = redis::Reply::Type;
  if (reply.type != Type::array || reply.elements.size() != 1 + 4 * policy_count) {
    return std::nullopt;
  }
  for (const redis::Reply& element : reply.elements) {
    if (element.type != Type::integer) return std::nullopt;
  }
  std::vector<Decision> decisions(policy_count);
  for (std::size_t i = 0; i < policy_count; ++i) {
    const auto* e = &reply.elements[1 + 4 * i];
    Decision& d = decisions[i];
    d.allowed = e[0].integer == 1;
    d.remaining = static_cast<std::uint64_t>(std::max<std::int64_t>(e[1].integer, 0));
    d.reset_ns = std::max<std::int64_t>(e[2].integer, 0) * 1000;
    d.retry_after_ns = std::max<std::int64_t>(e[3].integer, 0) * 1000;
  }
  return decisions;
}

boost::asio::awaitable<std::optional<std::vector<Decision>>> redis_decide(
    redis::Client& client, std::vector<std::string> keys, std::span<const Policy* const> policies) {
  std::vector<std::string> args;
  args.reserve(1 + 5 * policies.size());
  append_redis_script_args(args, policies);
  std::optional<redis::Reply> reply =
      co_await client.eval(redis_script(), std::move(keys), std::move(args));
  if (!reply || reply->type != redis::Reply::Type::array || reply->elements.size() != 1) {
    co_return std::nullopt;
  }
  co_return parse_redis_reply(reply->elements.front(), policies.size());
}

}  // namespace centinela::limit
