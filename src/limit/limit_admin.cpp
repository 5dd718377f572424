#include "limit/limit_admin.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "limit/gcra.h"
#include "limit/key_hash.h"
#include "limit/limited_keys.h"
#include "limit/local_store.h"
#include "limit/policy_registry.h"
#include "limit/rate_limit_headers.h"
#include "limit/rate_limit_key.h"
#include "limit/redis_limiter.h"
#include "observe/json_escape.h"
#include "redis/client.h"

namespace centinela::limit {
namespace {

// Keys come from clients: invalid UTF-8 becomes U+FFFD so the JSON stays valid.
using observe::append_json_string;

void append_entry_json(std::string& entries, std::string_view route, const Policy& policy,
                       const std::optional<Decision>& state) {
  const Decision decision =
      state.value_or(policy.algorithm == Algorithm::gcra ? Decision{true, policy.burst, 0, 0}
                                                         : Decision{true, policy.limit, 0, 0});
  if (!entries.empty()) entries += ',';
  entries += R"({"route":)";
  append_json_string(entries, route);
  fmt::format_to(std::back_inserter(entries),
                 R"(,"algorithm":"{}","limit":{},"window_s":{},"burst":{},"store":"{}",)"
                 R"("tracked":{},"remaining":{},"reset_s":{},"retry_after_s":{},"limited":{}}})",
                 policy.algorithm == Algorithm::gcra ? "gcra" : "sliding_window", policy.limit,
                 window_seconds(policy), policy.burst, policy.use_redis ? "redis" : "memory",
                 state.has_value(), decision.remaining, ceil_seconds(decision.reset_ns),
                 ceil_seconds(decision.retry_after_ns), !decision.allowed);
}

std::string describe_json(std::string_view policy_name, std::string_view text, bool found,
                          const std::string& entries) {
  std::string out = R"({"policy":)";
  append_json_string(out, policy_name);
  out += R"(,"key":)";
  append_json_string(out, text);
  fmt::format_to(std::back_inserter(out), R"(,"found":{},"entries":[{}]}})", found, entries);
  return out;
}

std::optional<std::int64_t> integer_of(const std::optional<redis::Reply>& reply) {
  if (!reply) return std::nullopt;
  if (reply->type == redis::Reply::Type::integer) return reply->integer;
  if (reply->type == redis::Reply::Type::string) {
    std::int64_t value = 0;
    const auto* end = reply->str.data() + reply->str.size();
    if (std::from_chars(reply->str.data(), end, value).ptr == end) return value;
  }
  return std::nullopt;
}

// The shared state of one key in Redis, read the way the Lua script reads it
// (Redis TIME, microseconds). Nothing when the key is not there.
boost::asio::awaitable<std::optional<Decision>> peek_redis(redis::Client& client,
                                                           const Policy& policy,
                                                           const std::string& key,
                                                           std::int64_t now_us) {
  const std::int64_t now_ns = now_us * 1000;
  if (policy.algorithm == Algorithm::gcra) {
    std::vector<std::string> get{"GET", key};
    const auto tat_us = integer_of(co_await client.command(std::move(get)));
    if (!tat_us) co_return std::nullopt;
    co_return gcra_peek(*tat_us * 1000, policy, now_ns);
  }
  const std::int64_t window_us = policy.window_ns / 1000;
  std::vector<std::string> count{"ZCOUNT", key, "(" + std::to_string(now_us - window_us), "+inf"};
  const auto used = integer_of(co_await client.command(std::move(count)));
  if (!used || *used <= 0) co_return std::nullopt;
  Decision decision;
  decision.allowed = static_cast<std::uint64_t>(*used) < policy.limit;
  decision.remaining = decision.allowed ? policy.limit - static_cast<std::uint64_t>(*used) : 0;
  decision.reset_ns = policy.window_ns;
  if (!decision.allowed) {
    std::vector<std::string> oldest{"ZRANGEBYSCORE",
                                    key,
                                    "(" + std::to_string(now_us - window_us),
                                    "+inf",
                                    "WITHSCORES",
                                    "LIMIT",
                                    "0",
                                    "1"};
    const auto reply = co_await client.command(std::move(oldest));
    if (reply && reply->elements.size() == 2) {
      if (const auto score = integer_of(reply->elements[1])) {
        decision.retry_after_ns = (*score + window_us - now_us) * 1000;
      }
    }
  }
  co_return decision;
}

}  // namespace

std::string describe_key(std::string_view policy_name, std::string_view key) {
  const std::string text = normalize_key_text(key);
  std::string entries;
  bool found = false;
  const std::int64_t now = LocalStore::now_ns();
  PolicyRegistry::global().for_each_named(policy_name, [&](const RegisteredPolicy& entry) {
    found = true;
    const Policy& policy = *entry.policy;
    const std::string full = key_scope(entry.route, policy) + text;
    append_entry_json(entries, entry.route, policy,
                      LocalStore::global().peek(key_fingerprint(full), policy, now));
  });
  return describe_json(policy_name, text, found, entries);
}

boost::asio::awaitable<std::string> describe_key_everywhere(std::string_view policy_name,
                                                            std::string_view key,
                                                            redis::Client* client) {
  const std::string name(policy_name);
  const std::string text = normalize_key_text(key);
  // Copies: the registry may change (a reload) while Redis answers.
  std::vector<std::pair<std::string, Policy>> policies;
  PolicyRegistry::global().for_each_named(name, [&](const RegisteredPolicy& entry) {
    policies.emplace_back(entry.route, *entry.policy);
  });
  std::optional<std::int64_t> redis_now_us;
  const bool any_redis = std::any_of(policies.begin(), policies.end(),
                                     [](const auto& p) { return p.second.use_redis; });
  if (client != nullptr && any_redis) {
    std::vector<std::string> time{"TIME"};
    const auto reply = co_await client->command(std::move(time));
    if (reply && reply->elements.size() == 2) {
      const auto seconds = integer_of(reply->elements[0]);
      const auto micros = integer_of(reply->elements[1]);
      if (seconds && micros) redis_now_us = *seconds * 1'000'000 + *micros;
    }
  }
  std::string entries;
  const std::int64_t now = LocalStore::now_ns();
  for (const auto& [route, policy] : policies) {
    const std::string scope = key_scope(route, policy);
    std::optional<Decision> state;
    if (policy.use_redis && redis_now_us) {
      // The shared count; the local store only holds the outage fallback.
      state = co_await peek_redis(*client, policy, redis_key(scope, text), *redis_now_us);
    } else {
      state = LocalStore::global().peek(key_fingerprint(scope + text), policy, now);
    }
    append_entry_json(entries, route, policy, state);
  }
  co_return describe_json(name, text, !policies.empty(), entries);
}

bool reset_key(std::string_view policy_name, std::string_view key) {
  const std::string text = normalize_key_text(key);
  bool erased = false;
  PolicyRegistry::global().for_each_named(policy_name, [&](const RegisteredPolicy& entry) {
    const std::string full = key_scope(entry.route, *entry.policy) + text;
    erased = LocalStore::global().erase(key_fingerprint(full)) || erased;
  });
  return erased;
}

boost::asio::awaitable<std::size_t> reset_key_everywhere(std::string_view policy_name,
                                                         std::string_view key,
                                                         redis::Client* client) {
  const std::string text = normalize_key_text(key);
  std::size_t removed = 0;
  std::vector<std::string> redis_keys;
  PolicyRegistry::global().for_each_named(policy_name, [&](const RegisteredPolicy& entry) {
    const std::string scope = key_scope(entry.route, *entry.policy);
    if (LocalStore::global().erase(key_fingerprint(scope + text))) ++removed;
    if (entry.policy->use_redis) redis_keys.push_back(redis_key(scope, text));
  });
  if (client != nullptr && !redis_keys.empty()) {
    std::vector<std::string> command{"DEL"};
    for (std::string& k : redis_keys) command.push_back(std::move(k));
    auto reply = co_await client->command(std::move(command));
    if (reply && reply->type == redis::Reply::Type::integer && reply->integer > 0) {
      removed += static_cast<std::size_t>(reply->integer);
    }
  }
  co_return removed;
}

std::string top_limited_keys_json(std::size_t n) {
  std::string out = "[";
  for (const LimitedKeys::Entry& entry : LimitedKeys::global().top(n)) {
    if (out.size() > 1) out += ',';
    out += R"({"route":)";
    append_json_string(out, entry.route);
    out += R"(,"policy":)";
    append_json_string(out, entry.policy);
    out += R"(,"key":)";
    append_json_string(out, entry.key);
    fmt::format_to(std::back_inserter(out), R"(,"limited":{}}})", entry.count);
  }
  out += ']';
  return out;
}

}  // namespace centinela::limit
