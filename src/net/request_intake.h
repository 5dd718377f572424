// From the bytes of a request head to a request the gateway can route: the
// raw head vetted (src/http/request_head.h), parsed by Beast, its target and
// Host vetted and normalised, and — once a route is chosen — the target and
// Host the upstream will receive settled. The grammar lives in src/http; this
// is where its verdicts meet the parser, the socket and the route.
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <string>
#include <string_view>

#include "http/header_block.h"
#include "http/request_head.h"
#include "net/asio_fwd.h"

namespace centinela::proxy {
class Route;
}

namespace centinela::net {

namespace http = beast::http;

// Beast parses request heads only: bodies are read through the BodyReader.
using RequestParser = beast::http::request_parser<beast::http::buffer_body>;

// Why a request is refused: 0 when it is not.
struct Refusal {
  unsigned status = 0;
  std::string_view reason;

  bool refused() const { return status != 0; }
};

// Per-connection storage the intake reuses for every request.
struct IntakeBuffers {
  std::string path;             // the normalised path
  std::string authority;        // the normalised Host
  std::string target;           // the target sent upstream, when it differs from the client's
  std::string sent_target;      // then the client's, as sent (attack detection reads it)
  std::string local_authority;  // this listener's "address:port", for HTTP/1.0 without Host
};

// While a head is incomplete: a first line that can never start a valid
// request (HTTP/0.9's "GET /", a version other than 1.0 / 1.1) is refused
// without waiting for the rest.
Refusal refuse_first_line(std::string_view received);

// Vets the complete (or refused) head `scan` found at the start of `buffer`,
// feeds it to the parser and consumes it from `buffer`.
Refusal parse_head(RequestParser& parser, beast::flat_buffer& buffer,
                   const centinela::http::HeaderBlockScan& scan);

// Vets what the parser read: method, target, Host. On success
// `buffers.path` and `buffers.authority` are the normalised path and Host
// (HTTP/1.0 without Host: the listener's address on `socket`), and the Host
// field holds that authority, so what routing and the cache read is what the
// upstream receives. `normal_host_size`: see RequestFacts (HTTP/2 passes its
// builder's, whose Host is normal already).
Refusal vet_parsed_request(RequestParser& parser, tcp::socket& socket, IntakeBuffers& buffers,
                           centinela::http::VettedRequest& vetted,
                           std::size_t normal_host_size = 0);

// After routing: the target the upstream receives — the normalised one
// (refused when the path had %2F, %00 or climbed above the root), or, on a
// route with `normalize_path: false`, the client's own. `path` and `query`
// are pointed at the request's final target.
Refusal settle_target(RequestParser& parser, const proxy::Route* route, IntakeBuffers& buffers,
                      const centinela::http::VettedRequest& vetted, std::string_view& path,
                      std::string_view& query);

}  // namespace centinela::net
