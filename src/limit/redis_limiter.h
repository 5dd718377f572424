// The shared store: the decision script Redis runs, and the shape of its
// calls. One call (EVALSHA) decides a whole batch of requests in order (see
// redis_batch.h), each request all-or-nothing (a request refused by one
// policy spends nothing from the others), timed by Redis's own clock (TIME)
// so every gateway sharing the Redis agrees.
//
// GCRA keeps the TAT in microseconds as a string key; the sliding window a
// ZSET of admission times. Keys expire (PEXPIRE) when they are back to a new
// key's state.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "limit/decision.h"
#include "limit/policy.h"
#include "redis/command_encoding.h"

namespace centinela::redis {
class Script;
struct Reply;
}  // namespace centinela::redis

namespace centinela::limit {

// "centinela:rl:" + scope (newlines as ':') + key text.
std::string redis_key(std::string_view scope, std::string_view key_text);
// The part of redis_key() before the key text, for a policy to keep.
std::string redis_key_prefix(std::string_view scope);

// One policy of one request, as the script decides it: its Redis key is
// key_prefix + key_text.
struct RedisQuery {
  const Policy* policy = nullptr;
  std::string_view key_prefix;
  std::string_view key_text;
};

// The decision script.
const redis::Script& redis_script();

// The keys and arguments of one script call, built request by request. Each
// policy's numbers travel once per call, however many requests use it.
// Reusable: clear() keeps the capacity.
class RedisScriptCall {
 public:
  // Adds one request's queries; its decisions come back in the reply in the
  // same order, after those of the requests added before it.
  void add_request(std::span<const RedisQuery> queries);
  // Ends the arguments with the table of the policies used. Call once, after
  // the last add_request and before sending.
  void seal();
  void clear();

  std::size_t requests() const { return requests_; }
  std::size_t decisions() const { return keys_.count(); }
  const redis::EncodedArgs& keys() const { return keys_; }
  const redis::EncodedArgs& args() const { return args_; }

 private:
  redis::EncodedArgs keys_;
  redis::EncodedArgs args_;
  std::vector<const Policy*> policies_;  // distinct, in order of first use
  std::size_t requests_ = 0;
};

// True when `reply` is what the script answers to a call of `decisions`
// decisions: four integers per decision.
bool is_redis_reply(const redis::Reply& reply, std::size_t decisions);
// Reads decisions [first, first + out.size()) of a reply is_redis_reply
// accepted into `out`.
void read_redis_decisions(const redis::Reply& reply, std::size_t first, std::span<Decision> out);

}  // namespace centinela::limit
