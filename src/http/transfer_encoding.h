// The request Transfer-Encoding rule (RFC 9112 §6.1): the gateway decodes one
// coding, chunked, and accepts it only alone. "gzip, chunked", "chunked;x=1",
// "chunked, chunked" or a second field line could frame the body differently
// for another server on the path (request smuggling): 501, and the
// connection closes.
#pragma once

#include <string_view>

namespace centinela::http {

enum class TransferEncoding {
  absent,
  chunked,      // exactly one field line whose value is "chunked" (any case)
  unsupported,  // anything else: 501
};

// The verdict after one more Transfer-Encoding field line with `value`.
TransferEncoding add_transfer_encoding(TransferEncoding so_far, std::string_view value);

}  // namespace centinela::http
