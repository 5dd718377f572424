// Building a policy's key for one request into a bounded buffer: each value
// is capped at kMaxKeyPartBytes and escaped ('%', '|' and control bytes as
// %XX), so a hostile header value costs bounded work, cannot forge the
// separator between parts, and cannot break a log line.
//
// Key text (shown by the admin API, used in Redis key names): the parts in
// policy order joined by '|'. Each part is namespaced by its source, so a
// value from one source never counts as another's: ip → the client IP;
// user → "user:" + the identity; header:NAME → "header:" + its value;
// api_key → "key:" + the first kApiKeyDigestHexChars hex digits of the key's
// SHA-256 (a secret is not shown); each of those three → "ip:" + the client
// IP when the request has none; route → the route name. `global` adds
// nothing: the policy's scope widens instead.
//
// Full key (what is counted): scope + '\n' + key text, where the scope is
// route name + '\n' + policy name + '\n' + algorithm, or "*\n" + policy name
// + '\n' + algorithm for a policy keyed `global` (shared by all routes
// naming the same policy).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "limit/policy.h"
#include "stage/request_context.h"

namespace centinela::limit {

inline constexpr std::size_t kMaxKeyPartBytes = 256;
// 128 bits of the digest: distinct keys never share a count in practice.
inline constexpr std::size_t kApiKeyDigestHexChars = 32;

// The scope of `policy` on route `route_name`.
std::string key_scope(std::string_view route_name, const Policy& policy);

// Appends `value` to `out`, capped and escaped.
void append_key_part(std::string& out, std::string_view value);

// Appends the key text of `policy` for `ctx` to `out`.
void append_key_text(std::string& out, const Policy& policy, const stage::RequestContext& ctx,
                     std::string_view route_name);

// A key text given by an operator (admin API), as shown: capped (parts
// count * cap), control bytes escaped as they would have been.
std::string normalize_key_text(std::string_view text);

}  // namespace centinela::limit
