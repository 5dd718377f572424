// The client side of one exchange, as the pipeline sees it: the HTTP/1.1
// connection today, an HTTP/2 stream later. Every stage and the upstream
// forwarder talk to this, never to a socket, so a new protocol gets the whole
// pipeline by implementing it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string_view>

#include "stage/request_body.h"
#include "stage/response.h"

namespace centinela::stage {

class Downstream {
 public:
  virtual ~Downstream() = default;

  virtual RequestBody& request_body() = 0;

  // The response head (framing is the downstream's business: it knows the
  // protocol and whether the connection goes on). Never waits: it is held
  // back and sent with the first body piece (HTTP/1.1), or queued for the
  // connection's writer (h2). (Not a coroutine: one frame less a response.)
  // False when the client is gone.
  virtual bool send_head(const Response& response) = 0;
  // A piece of the body; `last` ends the response. False when the client is gone.
  virtual boost::asio::awaitable<bool> send_body(std::string_view piece, bool last) = 0;
  // What send_body(piece, last) comes to when it is settled without waiting
  // (no coroutine frame: a small last piece, most responses); nullopt, with
  // nothing done, when send_body must be awaited. The default never settles.
  virtual std::optional<bool> send_body_now(std::string_view /*piece*/, bool /*last*/) {
    return std::nullopt;
  }
  // The body's last piece, then trailer fields ("name: value\r\n" lines,
  // vetted and allowed as trailers) that end the response. A response framed
  // so that it cannot carry them (a length, an HTTP/1.0 close) drops them:
  // the default. False when the client is gone.
  virtual boost::asio::awaitable<bool> send_last(std::string_view piece,
                                                 std::string_view /*trailers*/) {
    return send_body(piece, true);
  }
  // The response cannot be completed (its source broke off after the head
  // went out): the client must not take what it got for the whole.
  virtual void abort() = 0;
  // Whether a head was sent (after which an error can only abort).
  virtual bool head_sent() const = 0;
};

}  // namespace centinela::stage
