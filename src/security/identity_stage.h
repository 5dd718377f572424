// The identity stage establishes who the client is, first in every route's
// chain so that rate
// limits, cache keys and the access log can use it:
// - a JWT (HS256/RS256, see JwtVerifier) from `Authorization: Bearer`, another
//   header, or a cookie: valid → ctx.user = its `sub`;
// - an API key header: ctx.api_key = the presented key (known or not, so
//   per-key limits still tell clients apart), and ctx.user = the user the
//   config maps it to when no JWT named one.
// A missing or invalid credential leaves ctx.user empty (limits then fall back
// to the client IP), unless `jwt.required` is set: then a request that ends
// without a user, or that presented a bad token, is answered 401 with
// `WWW-Authenticate: Bearer`. Token and key values are never logged.
#pragma once

#include <cstdint>
#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::security {

// Unix time in seconds; tests pass a fixed clock.
using UnixClock = std::int64_t (*)();

// nullptr when the config asks for neither JWTs nor API keys.
std::unique_ptr<stage::Stage> make_identity_stage(const config::IdentityConfig& config,
                                                  UnixClock now = nullptr);

}  // namespace centinela::security
