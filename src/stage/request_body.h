// The request body as the protocol delivered it: decoded bytes, whatever the
// framing (HTTP/1.1 length or chunks, HTTP/2 DATA frames). Read by the
// upstream forwarder, or first by the pipeline for a stage that asked to see it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace centinela::stage {

enum class BodyError {
  none,
  too_large,    // over the configured bound: 413
  malformed,    // broken framing: 400
  client_gone,  // the client closed or reset
  timeout,      // the client stopped sending
};

struct BodyRead {
  std::size_t size = 0;  // bytes placed in the buffer
  BodyError error = BodyError::none;
  std::string_view detail = {};  // what was wrong, for the error's message (static text)
};

class RequestBody {
 public:
  virtual ~RequestBody() = default;
  // Whether the request has a body at all (a length > 0 or chunked framing).
  virtual bool present() const = 0;
  // Its length when the client declared one.
  virtual std::optional<std::uint64_t> length() const = 0;
  // Whether every byte has been read.
  virtual bool done() const = 0;
  // Whether any byte has been read (a request whose body was partly consumed
  // cannot be retried elsewhere).
  virtual bool started() const = 0;
  // The next bytes, at most into.size(); size 0 and done() at the end.
  virtual boost::asio::awaitable<BodyRead> read(std::span<char> into) = 0;
  // Once done(): the trailer fields that followed the body, as
  // "name: value\r\n" lines, each vetted and allowed as a trailer
  // (http/trailer_fields.h); empty when there were none.
  virtual std::string_view trailers() const { return {}; }
};

}  // namespace centinela::stage
