// What keeps the admin API out of reach of web pages and guessers, as pure
// functions of the request's fields (see docs/operations.md "Admin API"):
//   - Host: a page on evil.example that rebinds its name to 127.0.0.1 sends
//     `Host: evil.example`. Answered are: no Host, IP literals (no DNS to
//     rebind), `localhost` and `*.localhost` (browsers resolve them to
//     loopback themselves), and admin.allowed_hosts ("*": any).
//   - Mutating requests (anything but GET / HEAD) made by a browser: an
//     `Origin` field, `Sec-Fetch-Site` other than `none` / `same-origin`, or a
//     body that is not `application/json` (forms and no-CORS fetches cannot
//     send that type) are refused (CSRF).
//   - The token: `Bearer` in any case, compared in time that does not depend
//     on the presented value.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::admin {

// The request fields the admin endpoints and their guards look at.
struct AdminRequest {
  std::string_view method;
  std::string_view target;
  std::string_view authorization;  // empty: none
  std::string_view body;
  std::string_view host;  // empty: none
  std::optional<std::string_view> origin;
  std::optional<std::string_view> sec_fetch_site;
  std::optional<std::string_view> content_type;
  std::optional<std::string_view> accept_encoding;  // the dashboard's files may be gzipped
};

// Whether the admin listener answers a request whose Host field is `host`.
bool host_allowed(std::string_view host, const std::vector<std::string>& allowed_hosts);

// Why a mutating request looks made by a web page; empty when it does not
// (or when `request` does not mutate).
std::string_view browser_refusal(const AdminRequest& request);

// Whether `authorization` is "Bearer <token>" (scheme in any case).
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace centinela::admin
