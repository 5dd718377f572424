// The extension point of the request path. A route owns a chain of filters,
// built once when the config loads; the hot path only walks it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "proxy/request_context.h"

namespace centinela::proxy {

// Header lines a filter puts on every response unchanged. Rendered once when
// the chain is built and written straight into each response head, so the hot
// path neither allocates nor looks them up. Fields of the same names from the
// upstream, and those named in `drops`, are left out of the head.
struct StaticResponseHeaders {
  std::string lines;               // "Name: value\r\n" ...
  std::vector<std::string> drops;  // field names (any case) never relayed
};

enum class FilterStatus {
  Continue,  // go on to the next filter, then the upstream
  Respond,   // stop: send ctx.local_response to the client
};

class Filter {
 public:
  virtual ~Filter() = default;

  // Runs before the upstream is chosen, in chain order. A filter that answers
  // sets ctx.local_response and returns Respond; later filters do not run.
  virtual FilterStatus on_request(RequestContext& ctx) {
    (void)ctx;
    return FilterStatus::Continue;
  }

  // A filter whose decision needs I/O (a Redis round trip) returns true here;
  // the chain then awaits on_request_async on the worker's io_context instead
  // of calling on_request. Everything else stays synchronous and cheap.
  virtual bool is_async() const { return false; }
  virtual boost::asio::awaitable<FilterStatus> on_request_async(RequestContext& ctx) {
    co_return on_request(ctx);
  }

  // A filter whose whole response work is a fixed set of headers offers it
  // here; the gateway then writes the block itself and does not call
  // on_response for it (which stays an equivalent, slower path).
  virtual const StaticResponseHeaders* static_response_headers() const { return nullptr; }

  // Runs on every response head about to be sent to the client (from the
  // upstream, or local), in reverse chain order. May add, change or remove fields.
  virtual void on_response(RequestContext& ctx, ResponseHead& response) {
    (void)ctx;
    (void)response;
  }
};

}  // namespace centinela::proxy
