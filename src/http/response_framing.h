// How the body of an upstream response is delimited (RFC 9112 §6.3) and
// whether the connection it came on may carry another request afterwards.
// A connection is reused only when its byte stream is provably clean: never
// after a close-delimited body, nor after an answer that has no body by its
// status or method (HEAD, 1xx, 204, 304) but whose head announces one — the
// bytes such an origin sends next could be read as the next client's answer.
#pragma once

#include <cstdint>
#include <optional>

#include "http/body_decoder.h"

namespace centinela::http {

// What the response head says, as parsed.
struct ResponseHeadFacts {
  unsigned status = 200;
  bool head_request = false;           // the request was HEAD
  bool has_transfer_encoding = false;  // any Transfer-Encoding field
  bool chunked = false;                // its last coding is chunked
  std::optional<std::uint64_t> content_length;
  bool keep_alive = true;  // HTTP/1.1 without Connection: close, or 1.0 with keep-alive
};

struct ResponseFraming {
  Framing framing = Framing::none;
  std::uint64_t length = 0;  // for Framing::length
  bool reusable = false;     // the connection may be pooled once the body has ended
};

// True when the status or the method leaves the response without a body.
bool is_bodiless(unsigned status, bool head_request);

ResponseFraming response_framing(const ResponseHeadFacts& facts);

}  // namespace centinela::http
