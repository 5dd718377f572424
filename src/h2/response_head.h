// A response head as the stages left it, made into the name/value list of an
// HTTP/2 HEADERS frame: :status first, names lower-cased (RFC 9113 §8.2.1),
// connection-specific fields dropped (§8.2.2), content-length from the known
// length. Names and values are copied into `ResponseNv`'s own storage and the
// list is flagged so that nghttp2 does not copy them again (its copy
// lower-cased every name once more and took a large block per response):
// the storage must stay unchanged until nghttp2 packed the HEADERS frame or
// dropped it, which the stream that owns it guarantees (h2_stream.h).
#pragma once

#include <nghttp2/nghttp2.h>

#include <string>
#include <string_view>
#include <vector>

#include "stage/response.h"

namespace centinela::h2 {

struct ResponseNv {
  std::vector<nghttp2_nv> nv;
  // Lower-cased names, values, :status's digits and the length's, back to
  // back. Kept between responses so its capacity is reused.
  std::string text;
};

// The Date value a connection sent last. Date changes once a second: a
// value the connection already sent is worth HPACK's dynamic table (the
// responses of the same second then send it as a one-byte index), a new one
// is not (each second's first would push the stable fields out sooner).
class SentDate {
 public:
  // Whether `value` is the one sent last; remembers it either way.
  bool repeats(std::string_view value);

 private:
  char text_[40] = {};
  std::size_t size_ = 0;
};

// `date`: the connection's; null, Date is never indexed.
void make_response_nv(const stage::Response& response, ResponseNv& out, SentDate* date = nullptr);

// ASCII upper case to lower case, in place (8 bytes at a time: response heads
// are made for every h2 response).
void lower_ascii(char* text, std::size_t size);
// The same while copying `size` bytes from `from` to `to` (one pass, no
// memcpy call of its own; `to` may be `from`, not otherwise overlap it).
void copy_lower(char* to, const char* from, std::size_t size);

// Trailer fields ("name: value\r\n" lines, vetted and allowed as trailers)
// as the list of a trailing HEADERS frame, names lower-cased. Names and values
// are copied into `out.text` and handed over uncopied (as a response head's
// are): `out` must live until nghttp2 closed the stream.
void make_trailer_nv(std::string_view lines, ResponseNv& out);

}  // namespace centinela::h2
