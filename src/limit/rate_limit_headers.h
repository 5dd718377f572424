// The response fields of draft-ietf-httpapi-ratelimit-headers-11: lists of
// named policies as structured fields,
//   RateLimit-Policy: "per_ip";q=100;w=900, "per_user";q=20;w=60
//   RateLimit: "per_ip";r=87;t=42, "per_user";r=19;t=3
// q: the quota (limit), w: the window in seconds, r: requests remaining, t:
// seconds until the quota is fully restored. And the 429 answer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "limit/decision.h"
#include "limit/policy.h"
#include "stage/local_response.h"

namespace centinela::limit {

// A structured-field sf-string: quoted, '"' and '\' escaped, other
// characters outside printable ASCII dropped.
void append_sf_string(std::string& out, std::string_view text);

// RateLimit-Policy for `policies` (fixed per route: built once).
std::string format_policy_field(std::span<const Policy> policies);

// One member of the RateLimit field; appends ", " first when `out` is not empty.
void append_limit_member(std::string& out, const Policy& policy, const Decision& decision);

// Window in whole seconds for w= (at least 1).
std::int64_t window_seconds(const Policy& policy);

// Retry-After seconds for a refused decision (at least 1).
std::int64_t retry_after_seconds(const Decision& decision);

// The contract's 429 JSON error with "retry_after_s" in the error object,
// and a Retry-After field.
stage::LocalResponse make_rate_limited_response(std::int64_t retry_after_s,
                                                std::string_view message,
                                                std::string_view request_id);

}  // namespace centinela::limit
