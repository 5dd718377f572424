#include "limit/limit_admin.h"

#include <fmt/format.h>

#include <vector>

#include "limit/key_hash.h"
#include "limit/limited_keys.h"
#include "limit/local_store.h"
#include "limit/policy_registry.h"
#include "limit/rate_limit_headers.h"
#include "limit/rate_limit_key.h"
#include "limit/redis_limiter.h"
#include "observe/utf8.h"
#include "redis/client.h"

namespace centinela::limit {
namespace {

// Keys come from clients: invalid UTF-8 becomes U+FFFD so the JSON stays valid.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      const std::size_t length = observe::utf8_sequence_length(text, i);
      if (length == 0) {
        out += observe::kUtf8Replacement;
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
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
    const auto state = LocalStore::global().peek(key_fingerprint(full), policy, now);
    Decision decision = state.value_or(policy.algorithm == Algorithm::gcra
                                           ? Decision{true, policy.burst, 0, 0}
                                           : Decision{true, policy.limit, 0, 0});
    if (!entries.empty()) entries += ',';
    entries += R"({"route":)";
    append_json_string(entries, entry.route);
    fmt::format_to(std::back_inserter(entries),
                   R"(,"algorithm":"{}","limit":{},"window_s":{},"burst":{},"store":"{}",)"
                   R"("tracked":{},"remaining":{},"reset_s":{},"retry_after_s":{},"limited":{}}})",
                   policy.algorithm == Algorithm::gcra ? "gcra" : "sliding_window", policy.limit,
                   window_seconds(policy), policy.burst, policy.use_redis ? "redis" : "memory",
                   state.has_value(), decision.remaining, ceil_seconds(decision.reset_ns),
                   ceil_seconds(decision.retry_after_ns), !decision.allowed);
  });
  std::string out = R"({"policy":)";
  append_json_string(out, policy_name);
  out += R"(,"key":)";
  append_json_string(out, text);
  fmt::format_to(std::back_inserter(out), R"(,"found":{},"entries":[{}]}})", found, entries);
  return out;
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
