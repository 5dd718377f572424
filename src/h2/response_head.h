// A response head as the stages left it, made into the name/value list of an
// HTTP/2 HEADERS frame: :status first, names lower-cased (RFC 9113 §8.2.1),
// connection-specific fields dropped (§8.2.2), content-length from the known
// length. The list points into `ResponseNv`'s own storage and the response's,
// valid until nghttp2_submit_response copies it.
#pragma once

#include <nghttp2/nghttp2.h>

#include <string>
#include <string_view>
#include <vector>

#include "stage/response.h"

namespace centinela::h2 {

struct ResponseNv {
  std::vector<nghttp2_nv> nv;
  // Lower-cased names, :status's digits and the length's, back to back. Kept
  // between responses of a stream so its capacity is reused.
  std::string text;
};

void make_response_nv(const stage::Response& response, ResponseNv& out);

// Trailer fields ("name: value\r\n" lines, vetted and allowed as trailers)
// as the list of a trailing HEADERS frame, names lower-cased. The values
// point into `lines`, valid until nghttp2_submit_trailer copies them.
void make_trailer_nv(std::string_view lines, ResponseNv& out);

}  // namespace centinela::h2
