// The shared store: every policy of a request decided by one Lua script call
// (EVALSHA) on Redis, all-or-nothing (a request refused by one policy spends
// nothing from the others), timed by Redis's own clock (TIME) so every
// gateway sharing the Redis agrees.
//
// GCRA keeps the TAT in microseconds as a string key; the sliding window a
// ZSET of admission times. Keys expire (PEXPIRE) when they are back to a new
// key's state.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "limit/decision.h"
#include "limit/policy.h"

namespace centinela::redis {
class Client;
struct Reply;
}  // namespace centinela::redis

namespace centinela::limit {

// "centinela:rl:" + scope (newlines as ':') + key text.
std::string redis_key(std::string_view scope, std::string_view key_text);

// The script's arguments for `policies` (five per policy).
std::vector<std::string> redis_script_args(std::span<const Policy* const> policies);

// Parses the script's reply into one decision per policy; nullopt when the
// reply is not the expected shape.
std::optional<std::vector<Decision>> parse_redis_reply(const redis::Reply& reply,
                                                       std::size_t policy_count);

// Runs the decision; nullopt on any store failure.
boost::asio::awaitable<std::optional<std::vector<Decision>>> redis_decide(
    redis::Client& client, std::vector<std::string> keys, std::span<const Policy* const> policies);

}  // namespace centinela::limit
