#include "limit/policy.h"

#include <algorithm>
#include <limits>

namespace centinela::limit {
namespace {

// Large enough for any real window, small enough that now + tolerance never
// overflows an int64 nanosecond clock (about 73 years of headroom).
constexpr std::int64_t kMaxSpanNs = std::numeric_limits<std::int64_t>::max() / 4;

void derive_gcra(Policy& policy) {
  const auto window = static_cast<unsigned __int128>(policy.window_ns);
  const unsigned __int128 emission = (window + policy.limit - 1) / policy.limit;
  policy.emission_ns = static_cast<std::int64_t>(
      std::clamp<unsigned __int128>(emission, 1, static_cast<unsigned __int128>(kMaxSpanNs)));
  const unsigned __int128 tolerance =
      static_cast<unsigned __int128>(policy.emission_ns) * policy.burst;
  policy.tolerance_ns = static_cast<std::int64_t>(
      std::min<unsigned __int128>(tolerance, static_cast<unsigned __int128>(kMaxSpanNs)));
}

KeyPart parse_part(const std::string& text) {
  KeyPart part;
  if (text == "ip")
    part.kind = KeyPart::Kind::ip;
  else if (text == "user")
    part.kind = KeyPart::Kind::user;
  else if (text == "api_key")
    part.kind = KeyPart::Kind::api_key;
  else if (text == "client_cert")
    part.kind = KeyPart::Kind::client_cert;
  else if (text == "client_cert_sha256")
    part.kind = KeyPart::Kind::client_cert_sha256;
  else if (text == "route")
    part.kind = KeyPart::Kind::route;
  else if (text == "global")
    part.kind = KeyPart::Kind::global;
  else if (text.starts_with("header:")) {
    part.kind = KeyPart::Kind::header;
    part.header = text.substr(7);
  }
  return part;
}

}  // namespace

Policy make_gcra_policy(std::uint64_t limit, std::int64_t window_ns, std::uint64_t burst) {
  Policy policy;
  policy.algorithm = Algorithm::gcra;
  policy.limit = std::max<std::uint64_t>(limit, 1);
  policy.window_ns = std::clamp<std::int64_t>(window_ns, 1, kMaxSpanNs);
  policy.burst = burst == 0 ? policy.limit : burst;
  derive_gcra(policy);
  return policy;
}

Policy make_sliding_policy(std::uint64_t limit, std::int64_t window_ns) {
  Policy policy;
  policy.algorithm = Algorithm::sliding_window;
  policy.limit = std::max<std::uint64_t>(limit, 1);
  policy.window_ns = std::clamp<std::int64_t>(window_ns, 1, kMaxSpanNs);
  policy.burst = policy.limit;
  derive_gcra(policy);
  return policy;
}

Policy make_policy(const config::RateLimitPolicyConfig& config,
                   const config::RateLimitSettings& settings, bool has_redis) {
  const std::int64_t window_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(config.window).count();
  Policy policy = config.algorithm == "sliding_window"
                      ? make_sliding_policy(config.limit, window_ns)
                      : make_gcra_policy(config.limit, window_ns, config.burst.value_or(0));
  policy.name = config.name;
  for (const std::string& text : config.key) {
    policy.key.push_back(parse_part(text));
    if (policy.key.back().kind == KeyPart::Kind::global) policy.global_scope = true;
  }
  if (policy.key.empty()) policy.key.push_back(KeyPart{});
  const std::string& store = config.store.empty() ? settings.store : config.store;
  policy.use_redis = has_redis && store != "memory";
  const std::string& on_error =
      config.on_store_error.empty() ? settings.on_store_error : config.on_store_error;
  policy.deny_on_store_error = on_error == "deny";
  policy.legacy_headers = config.legacy_headers.value_or(settings.legacy_headers);
  return policy;
}

Policy make_tightened_policy(const config::RateLimitPolicyConfig& config,
                             const config::RateLimitSettings& settings, bool has_redis) {
  config::RateLimitPolicyConfig tight = config;
  const double factor = config.adaptive ? config.adaptive->factor : 1.0;
  auto scaled = [factor](std::uint64_t n) {
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(n) * factor));
  };
  tight.limit = scaled(config.limit);
  if (config.algorithm != "sliding_window")
    tight.burst = scaled(config.burst.value_or(config.limit));
  return make_policy(tight, settings, has_redis);
}

}  // namespace centinela::limit
