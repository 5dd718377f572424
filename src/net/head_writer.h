// Message heads written as bytes by the gateway itself, into a buffer the
// connection reuses: one contiguous block per head (Beast's serializer would
// hand the kernel four iovecs per field), static route headers appended as
// pre-rendered lines, and framing decided here, never copied from a peer.
#pragma once

#include <cstdint>
#include <string>

#include "proxy/request_context.h"

namespace centinela::proxy {
class StaticHeaderBlock;
}

namespace centinela::net {

enum class BodyFraming {
  none,     // no body (HEAD, 204, 304, or an empty request)
  length,   // Content-Length
  chunked,  // Transfer-Encoding: chunked
  close,    // the body ends when the connection does (HTTP/1.0 peers)
};

// "METHOD target HTTP/1.1" and every field except Content-Length and
// Transfer-Encoding (the framing lines are the caller's).
void append_request_head(const proxy::RequestHead& head, std::string& out);

// "HTTP/1.x status reason" and every field except framing ones and those the
// route's static block replaces; then the block's lines.
void append_response_head(const proxy::ResponseHead& head, unsigned version,
                          const proxy::StaticHeaderBlock* block, std::string& out);

// Framing and connection lines, then the blank line that ends the head.
void append_framing(std::string& out, BodyFraming framing, std::uint64_t length,
                    bool close_connection, bool http10_keep_alive);

// The "SIZE\r\n" line before a chunk; returns its length (at most 18).
std::size_t format_chunk_size(std::size_t size, char (&out)[20]);

}  // namespace centinela::net
