// Finds and vets the raw header block of a request before Beast parses it:
// the size limit applies to the whole block, and obsolete line folding (which
// Beast would accept) is refused, as RFC 9112 §5.2 allows a server to.
#pragma once

#include <cstddef>
#include <string_view>

namespace centinela::http {

enum class HeaderBlockStatus { incomplete, complete, too_large, malformed };

struct HeaderBlockScan {
  HeaderBlockStatus status = HeaderBlockStatus::incomplete;
  std::size_t skip = 0;  // leading empty lines to discard before the block
  std::size_t size = 0;  // bytes from the start of data through the final CRLFCRLF
};

HeaderBlockScan scan_header_block(std::string_view data, std::size_t limit);

// The same for a head whose every byte the caller's parser then checks as
// strictly (an upstream's response: http/response_head.h refuses each bare
// CR or LF, NUL, control byte, obs-fold and leading empty line): once the
// block is complete its bytes are not looked at twice. An incomplete block
// is vetted as scan_header_block does, so a bare LF is refused at once.
// `skip` is always 0: leading empty lines stay in the block, refused.
HeaderBlockScan scan_checked_header_block(std::string_view data, std::size_t limit);

}  // namespace centinela::http
