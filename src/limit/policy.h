// A rate-limit policy as the hot path uses it: the config's numbers turned
// into nanosecond parameters once, when the stage is built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace centinela::limit {

enum class Algorithm : std::uint8_t { gcra, sliding_window };

// One part of a policy's key.
struct KeyPart {
  enum class Kind : std::uint8_t {
    ip,
    user,
    api_key,
    header,
    route,
    global,
    client_cert,
    client_cert_sha256
  };
  Kind kind = Kind::ip;
  std::string header;  // lower-case name, for Kind::header
};

struct Policy {
  std::string name;
  Algorithm algorithm = Algorithm::gcra;
  std::uint64_t limit = 1;
  std::int64_t window_ns = 1'000'000'000;
  std::uint64_t burst = 1;  // gcra: how many a new key may spend at once
  // GCRA: emission interval T = window / limit (rounded up, so the rate is
  // never above limit / window) and tolerance = T * burst.
  std::int64_t emission_ns = 1'000'000'000;
  std::int64_t tolerance_ns = 1'000'000'000;
  std::vector<KeyPart> key;
  bool global_scope = false;  // key has `global`: shared by every route
  bool use_redis = false;
  bool deny_on_store_error = false;
  bool legacy_headers = false;
};

// Builds the policy for `config`, with `settings` filling what the policy
// leaves unsaid. `has_redis`: a `redis` section is configured.
Policy make_policy(const config::RateLimitPolicyConfig& config,
                   const config::RateLimitSettings& settings, bool has_redis);

// The policy for clients above its `adaptive.score`: limit and burst scaled
// by `adaptive.factor` (at least 1 each); same name and key, so a client's
// state carries over when its score crosses the line.
Policy make_tightened_policy(const config::RateLimitPolicyConfig& config,
                             const config::RateLimitSettings& settings, bool has_redis);

// Pure parameters for tests: gcra with the given burst (0: burst = limit).
Policy make_gcra_policy(std::uint64_t limit, std::int64_t window_ns, std::uint64_t burst = 0);
Policy make_sliding_policy(std::uint64_t limit, std::int64_t window_ns);

}  // namespace centinela::limit
