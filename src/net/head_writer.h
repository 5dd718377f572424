// Beast-held heads written through the gateway's one head writer
// (src/http/head_writer.h): for the paths that still hold a Beast head.
#pragma once

#include <cstdint>
#include <string>

#include "http/head_writer.h"
#include "proxy/request_context.h"

namespace centinela::proxy {
class StaticHeaderBlock;
}

namespace centinela::net {

using centinela::http::append_framing;
using centinela::http::BodyFraming;
using centinela::http::format_chunk_size;

// "METHOD target HTTP/1.1" and every field except Content-Length and
// Transfer-Encoding (the framing lines are the caller's).
void append_request_head(const proxy::RequestHead& head, std::string& out);

// "HTTP/1.x status reason" and every field except framing ones and those the
// route's static block replaces; then the block's lines.
void append_response_head(const proxy::ResponseHead& head, unsigned version,
                          const proxy::StaticHeaderBlock* block, std::string& out);

}  // namespace centinela::net
