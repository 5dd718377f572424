// What the admin API offers about rate limits (wired into src/admin):
//   GET    /admin/ratelimit?policy=NAME&key=KEY → describe_key(NAME, KEY)
//   DELETE /admin/ratelimit?policy=NAME&key=KEY → reset_key(NAME, KEY)
//   /admin/stats "ratelimit": {"top_limited": top_limited_keys_json(10)}
// KEY is the key text (see rate_limit_key.h): an IP, a user, "ip:1.2.3.4"
// for a request without identity, parts joined by '|' for combined keys.
// A policy name may exist on several routes; every one is described/reset.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::redis {
class Client;
}

namespace centinela::limit {

// JSON: {"policy":NAME,"key":KEY,"found":bool,"entries":[{"route":..,
// "algorithm":..,"limit":..,"window_s":..,"burst":..,"store":"memory|redis",
// "tracked":bool,"remaining":..,"reset_s":..,"retry_after_s":..,"limited":bool}]}.
// "found" is false when no live route has a policy of that name. For Redis
// policies the in-process state shown is the fallback's; use the awaitable
// below for the shared one.
std::string describe_key(std::string_view policy_name, std::string_view key);

// The same, reading policies counted in Redis from Redis (the shared state);
// falls back to the in-process state when `client` is null or Redis is down.
boost::asio::awaitable<std::string> describe_key_everywhere(std::string_view policy_name,
                                                            std::string_view key,
                                                            redis::Client* client);

// Forgets the key's in-process state under every policy of that name (the
// next request starts with a full quota). False when nothing was held.
bool reset_key(std::string_view policy_name, std::string_view key);

// Also deletes the key's Redis state (DEL), for policies on the Redis store.
// Returns how many keys were removed (in-process and Redis); nullopt-free:
// a Redis failure counts as 0 there.
boost::asio::awaitable<std::size_t> reset_key_everywhere(std::string_view policy_name,
                                                         std::string_view key,
                                                         redis::Client* client);

// JSON array of the most refused keys: [{"route":..,"policy":..,"key":..,
// "limited":N}], most first.
std::string top_limited_keys_json(std::size_t n);

}  // namespace centinela::limit
