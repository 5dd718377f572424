// A request head vetted in two steps around Beast's parser:
// - vet_request_head reads the raw block first: the request line (400 / 505)
//   and the Transfer-Encoding lines (501, or 400 with HTTP/1.0), whose
//   verdict must not depend on which error Beast happens to report first;
// - vet_request reads what Beast parsed: method (501), request-target and
//   Host (400), and produces the normalised path and authority the gateway
//   routes, keys and forwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/request_target.h"

namespace centinela::http {

struct HeadVerdict {
  unsigned status = 0;  // 0: acceptable; else 400, 501 or 505
  std::string_view reason;

  bool ok() const { return status == 0; }
};

// `block` is a complete head as scan_header_block found it: request line
// through the CRLF of the last field line (the blank line may follow).
HeadVerdict vet_request_head(std::string_view block);

// What vet_request needs of a parsed request.
struct RequestFacts {
  std::string_view method;
  bool method_known = true;  // one of the methods the gateway forwards
  unsigned version = 11;     // 10 or 11
  std::string_view target;
  std::size_t host_fields = 0;  // number of Host field lines
  std::string_view host;        // the Host value when there is one line
  // Non-zero: `host` is in normal form already (HTTP/2's :authority, which
  // h2::RequestHeadBuilder normalised) and its host part is this long.
  std::size_t normal_host_size = 0;
};

struct VettedRequest {
  unsigned status = 0;  // 0: acceptable; else 400 or 501
  std::string_view reason;
  RequestTarget target;         // views into RequestFacts::target
  std::uint8_t path_flags = 0;  // PathFlag bits: refused unless the route opts out
  std::size_t host_size = 0;    // authority.substr(0, host_size) is the host without port
  // HTTP/1.0 without Host and without an absolute-form target: the caller
  // supplies the authority (its listener's address).
  bool needs_authority = false;

  bool ok() const { return status == 0; }
};

// Vets a parsed request and writes the normalised path (normalize_path; "*"
// for OPTIONS *) and authority (normalize_authority of the absolute-form
// target's authority, else of Host) into `path` and `authority`.
VettedRequest vet_request(const RequestFacts& facts, std::string& path, std::string& authority);

}  // namespace centinela::http
