// A response as the response stages see it, whoever made it: the upstream, the
// gateway (an error, a preflight), or a stored entry (a cache hit). Every
// response runs through the same stages in the same order; this is what
// they edit.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "stage/response_fields.h"
#include "stage/stored_response.h"

namespace centinela::stage {

enum class ResponseOrigin : std::uint8_t {
  upstream,  // the body streams from the upstream, piece by piece
  gateway,   // made by a stage or the pipeline; whole_body is all of it
  stored,    // a stored response; whole_body is (a representation of) its body
};

class Response {
 public:
  explicit Response(Arena& arena) : fields(arena) {}

  unsigned status = 200;
  std::string_view reason;  // the upstream's reason phrase; empty: the standard one
  ResponseFields fields;    // end-to-end fields: no framing, no hop-by-hop
  ResponseOrigin origin = ResponseOrigin::gateway;
  // Whether a body follows the head on the wire: false for a HEAD request,
  // 1xx, 204 and 304.
  bool sends_body = true;
  // The body's length when known before it is sent (a Content-Length, a
  // whole body's size). For HEAD and 304 it is the length a GET would get.
  std::optional<std::uint64_t> length;
  // gateway and stored: the whole body, valid until the request ends.
  std::string_view whole_body;
  // stored: the entry, kept alive while it is sent.
  std::shared_ptr<const StoredResponse> stored;
};

// Whether a response to `method_is_head` with `status` carries a body at all
// (RFC 9110 §6.4.1).
constexpr bool response_sends_body(unsigned status, bool head_request) {
  return !head_request && status >= 200 && status != 204 && status != 304;
}

}  // namespace centinela::stage
