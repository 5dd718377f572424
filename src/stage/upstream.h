// Where the pipeline forwards a request it does not answer itself — net's
// pooled HTTP/1.1 client, or a fake in tests — and the sink the response
// flows back into: the response direction of the pipeline.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string_view>

#include "stage/request_body.h"
#include "stage/request_context.h"
#include "stage/response.h"

namespace centinela::stage {

class ResponseSink {
 public:
  enum class HeadAction {
    relay,    // stream the body into on_upstream_body
    discard,  // read the body and drop it: the response was replaced
    abort,    // the client is gone: drop the upstream connection
  };
  virtual ~ResponseSink() = default;

  // The upstream's final response head (hop-by-hop fields removed). Never
  // waits (Downstream::send_head does not), so it is no coroutine.
  virtual HeadAction on_upstream_head(Response& response) = 0;
  // A piece of its body; false stops the relay (the client is gone).
  virtual boost::asio::awaitable<bool> on_upstream_body(std::string_view piece, bool last) = 0;
  // The last piece when trailer fields followed it ("name: value\r\n"
  // lines, vetted and allowed as trailers).
  virtual boost::asio::awaitable<bool> on_upstream_last(std::string_view piece,
                                                        std::string_view /*trailers*/) {
    return on_upstream_body(piece, true);
  }
  // The body broke off before its end.
  virtual void on_upstream_broken() = 0;
};

struct ForwardResult {
  enum class Kind {
    relayed,        // a head reached the sink
    failed,         // no usable response: answer `status` (502, 503, 504)
    client_failed,  // the client's body broke off or was refused: answer `status` if not 0
  };
  Kind kind = Kind::relayed;
  unsigned status = 0;
  std::string_view message;
};

class Upstream {
 public:
  virtual ~Upstream() = default;
  // Sends ctx.request with ctx.upstream's edits and `body`, then hands the
  // response to `sink`.
  virtual boost::asio::awaitable<ForwardResult> forward(RequestContext& ctx, RequestBody& body,
                                                        ResponseSink& sink) = 0;
};

}  // namespace centinela::stage
