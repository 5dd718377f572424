#include "http/transfer_encoding.h"

#include "http/chars.h"

namespace centinela::http {

TransferEncoding add_transfer_encoding(TransferEncoding so_far, std::string_view value) {
  if (so_far != TransferEncoding::absent) return TransferEncoding::unsupported;
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  constexpr std::string_view kChunked = "chunked";
  if (value.size() != kChunked.size()) return TransferEncoding::unsupported;
  for (std::size_t i = 0; i < kChunked.size(); ++i) {
    if (ascii_lower(value[i]) != kChunked[i]) return TransferEncoding::unsupported;
  }
  return TransferEncoding::chunked;
}

}  // namespace centinela::http
