// The JSON body of every error the gateway answers itself (the contract's
// envelope), built in one place:
//   {"error":{"status":429,"code":"RATE_LIMITED","message":"…","request_id":"…"}}
// The request id is there for requests on the proxy listener; the admin
// listener's errors have none.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace centinela::observe {

// Appends the envelope; `message` and `request_id` are JSON-escaped (they
// may quote what a client sent).
void append_error_json(std::string& out, unsigned status, std::string_view code,
                       std::string_view message,
                       std::optional<std::string_view> request_id = std::nullopt);

// The envelope without a request id.
std::string error_json(unsigned status, std::string_view code, std::string_view message);

}  // namespace centinela::observe
