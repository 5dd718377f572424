#include "threat/fleet_scripts.h"

namespace centinela::threat {
namespace {

constexpr const char* kUpdate = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local half = tonumber(ARGV[1])
local ban_score = tonumber(ARGV[2])
local forget = tonumber(ARGV[3])
local nd = tonumber(ARGV[4])
local i = 5 + nd
local function set_ban(kind, name, level, until_ms)
  local member = kind .. ' ' .. name
  local ban_key = 'centinela:ban:' .. kind .. ':' .. name
  local held = tonumber(redis.call('GET', ban_key) or '0')
  local held_until = tonumber(redis.call('ZSCORE', 'centinela:bans', member) or '0')
  if held > level then level = held end
  if held_until > until_ms then until_ms = held_until end
  if until_ms <= now then return end
  redis.call('SET', ban_key, level, 'PX', until_ms - now)
  redis.call('SET', 'centinela:banlevel:' .. kind .. ':' .. name, level, 'PX', until_ms - now + forget)
  redis.call('ZADD', 'centinela:bans', until_ms, member)
  redis.call('PUBLISH', 'centinela:threat:bans',
             'ban ' .. kind .. ' ' .. level .. ' ' .. string.format('%d', until_ms) .. ' ' .. name)
end
redis.call('ZREMRANGEBYSCORE', 'centinela:bans', '-inf', now)
local nb = tonumber(ARGV[i])
i = i + 1
for b = 1, nb do
  set_ban(ARGV[i], ARGV[i + 3], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]))
  i = i + 4
end
local made = 0
while i + 2 <= #ARGV do
  local kind, name, points = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  i = i + 3
  local key = 'centinela:threat:' .. kind .. ':' .. name
  local v = redis.call('HMGET', key, 's', 't')
  local s = tonumber(v[1] or '0')
  local at = tonumber(v[2] or now)
  if now > at then s = s * math.pow(2, -(now - at) / half) end
  s = s + points
  if s >= ban_score and redis.call('EXISTS', 'centinela:ban:' .. kind .. ':' .. name) == 0 then
    local level = tonumber(redis.call('GET', 'centinela:banlevel:' .. kind .. ':' .. name) or '0') + 1
    set_ban(kind, name, level, now + tonumber(ARGV[4 + math.min(level, nd)]))
    s = 0
    made = made + 1
  end
  redis.call('HSET', key, 's', tostring(s), 't', string.format('%d', now))
  redis.call('PEXPIRE', key, math.floor(half * 20))
end
return made
)lua";

constexpr const char* kSync = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', 'centinela:bans', '-inf', now)
local members = redis.call('ZRANGEBYSCORE', 'centinela:bans', now + 1, '+inf', 'WITHSCORES',
                           'LIMIT', 0, 10000)
local out = {}
for j = 1, #members, 2 do
  local member = members[j]
  local space = string.find(member, ' ', 1, true)
  if space then
    local kind = string.sub(member, 1, space - 1)
    local name = string.sub(member, space + 1)
    local level = redis.call('GET', 'centinela:ban:' .. kind .. ':' .. name) or '1'
    out[#out + 1] = 'ban ' .. kind .. ' ' .. level .. ' ' .. members[j + 1] .. ' ' .. name
  end
end
return out
)lua";

constexpr const char* kLift = R"lua(
local kind, name = ARGV[1], ARGV[2]
redis.call('DEL', 'centinela:ban:' .. kind .. ':' .. name, 'centinela:banlevel:' .. kind .. ':' .. name,
           'centinela:threat:' .. kind .. ':' .. name)
local removed = redis.call('ZREM', 'centinela:bans', kind .. ' ' .. name)
redis.call('PUBLISH', 'centinela:threat:bans', 'lift ' .. kind .. ' ' .. name)
return removed
)lua";

}  // namespace

const redis::Script& update_script() {
  static const redis::Script script(kUpdate);
  return script;
}

const redis::Script& sync_script() {
  static const redis::Script script(kSync);
  return script;
}

const redis::Script& lift_script() {
  static const redis::Script script(kLift);
  return script;
}

}  // namespace centinela::threat
