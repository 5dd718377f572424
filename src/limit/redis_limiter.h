// The shared store: every policy of a request decided in one Lua script call
// (EVALSHA) on Redis, which decides a whole batch of requests in order (see
// redis_batch.h), each all-or-nothing (a request refused by one policy spends
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
class Script;
struct Reply;
}  // namespace centinela::redis

namespace centinela::limit {

// "centinela:rl:" + scope (newlines as ':') + key text.
std::string redis_key(std::string_view scope, std::string_view key_text);

// The decision script. Its reply has one element per request of the batch.
const redis::Script& redis_script();

// Appends one request's script arguments for `policies` to `args` (its
// policy count, then five per policy); its keys go to KEYS in the same order.
void append_redis_script_args(std::vector<std::string>& args,
                              std::span<const Policy* const> policies);

// Parses one request's element of the script's reply into one decision per
// policy; nullopt when it is not the expected shape.
std::optional<std::vector<Decision>> parse_redis_reply(const redis::Reply& reply,
                                                       std::size_t policy_count);

// Runs one request's decision alone (a batch of one); nullopt on any store
// failure. The filter goes through redis_decide_batched instead.
boost::asio::awaitable<std::optional<std::vector<Decision>>> redis_decide(
    redis::Client& client, std::vector<std::string> keys, std::span<const Policy* const> policies);

}  // namespace centinela::limit
