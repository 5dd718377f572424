// Request ids: the X-Request-ID a response carries and the upstream receives.
// A client's id is kept only when it is safe to copy into logs and headers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::security {

inline constexpr std::size_t kMaxRequestIdLength = 128;
inline constexpr std::size_t kGeneratedRequestIdLength = 36;  // a UUID

// True for 1..128 characters of [A-Za-z0-9._:-]. Anything else (spaces, quotes,
// CR/LF, non-ASCII) is refused so a client cannot inject into logs or headers.
bool is_valid_request_id(std::string_view id) noexcept;

// A new random id in UUIDv4 form ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx").
std::string new_request_id();

// The same, written into a caller's buffer (no terminator, no allocation).
void new_request_id(char (&out)[kGeneratedRequestIdLength]) noexcept;

}  // namespace centinela::security
