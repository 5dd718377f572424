// RFC 9113 §8.2 rules for the regular fields of an HTTP/2 request before it is
// downgraded to an HTTP/1.1 upstream request: a field that would be harmless in
// HTTP/2 framing can smuggle a second request once written as an HTTP/1.1 line.
// nghttp2's HTTP messaging checks enforce most of these too; the gateway checks
// them itself so the downgrade is safe whatever the framing library lets through.
#pragma once

#include <string_view>

namespace centinela::http {

enum class Http2FieldVerdict {
  ok,
  bad_name,             // empty, uppercase, or not a token (§8.2.1)
  bad_value,            // NUL, CR or LF, or leading/trailing whitespace (§8.2.1)
  connection_specific,  // connection, keep-alive, proxy-connection, transfer-encoding,
                        // upgrade (§8.2.2)
  bad_te,               // te other than "trailers" (§8.2.2)
};

// A regular field (not a pseudo-header) of a request HEADERS or trailers block.
Http2FieldVerdict check_http2_field(std::string_view name, std::string_view value);

}  // namespace centinela::http
