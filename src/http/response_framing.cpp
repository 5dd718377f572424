#include "http/response_framing.h"

namespace centinela::http {

bool is_bodiless(unsigned status, bool head_request) {
  return head_request || status < 200 || status == 204 || status == 304;
}

ResponseFraming response_framing(const ResponseHeadFacts& facts) {
  const bool announces_body =
      facts.has_transfer_encoding || (facts.content_length && *facts.content_length > 0);
  if (is_bodiless(facts.status, facts.head_request)) {
    return {Framing::none, 0, facts.keep_alive && !announces_body};
  }
  if (facts.chunked) {
    // With a Content-Length too, the message is ambiguous (smuggling): read
    // it by its chunks, then close.
    return {Framing::chunked, 0, facts.keep_alive && !facts.content_length};
  }
  // Any other transfer coding, or no length at all: the close ends the body.
  if (facts.has_transfer_encoding || !facts.content_length) return {Framing::until_close, 0, false};
  return {Framing::length, *facts.content_length, facts.keep_alive};
}

}  // namespace centinela::http
