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

#include <cstdint>
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

// What a connection's responses sent before, which decides how HPACK is
// asked to index a field:
// - Date changes once a second: a value the connection already sent is worth
//   the dynamic table (the responses of the same second then send it as a
//   one-byte index), a new one is not (each second's first would push the
//   stable fields out sooner).
// - A field whose value changes with every response (x-request-id,
//   traceparent, server-timing) is never indexed, but for the connection's
//   first of each name: that entry puts the name in the table, and every
//   later one sends the name as an index and only its value as a literal.
class SentFields {
 public:
  // Whether `value` is the Date sent last; remembers it either way.
  bool date_repeats(std::string_view value);
  // Whether a field of the volatile name `kind` (< 8) was sent before;
  // remembers it either way.
  bool name_sent(unsigned kind) {
    const auto bit = static_cast<std::uint8_t>(1u << kind);
    const bool sent = (names_ & bit) != 0;
    names_ |= bit;
    return sent;
  }

 private:
  char date_[40] = {};
  std::size_t date_size_ = 0;
  std::uint8_t names_ = 0;
};

// `sent`: the connection's; null, Date and the volatile fields are never
// indexed.
void make_response_nv(const stage::Response& response, ResponseNv& out, SentFields* sent = nullptr);

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
