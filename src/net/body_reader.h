// The gateway's one body reader: a message body read from a socket through an
// centinela::http::BodyDecoder, for request bodies from clients and response bodies from
// upstream servers alike. The socket's read buffer holds at most one read of
// undecoded bytes (framing is decoded as it arrives, never collected), and
// time is bounded twice: each read by `idle`, and a framing line (a chunk
// size, or the last chunk with its trailers) by `line` from its first byte,
// so dripping a line byte by byte does not keep a connection.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "http/body_decoder.h"
#include "net/asio_fwd.h"
#include "net/stream.h"
#include "net/stream_io.h"

namespace centinela::net {

class DeadlineWatch;

enum class BodyReadError : std::uint8_t {
  none,
  framing,       // the decoder refused the bytes (decoder.error() says why)
  line_timeout,  // a framing line did not end in time
  idle_timeout,  // no bytes for too long
  closed,        // the peer closed before the end, or the socket failed
};

struct BodyRead {
  std::size_t size = 0;  // body bytes written to the output
  BodyReadError error = BodyReadError::none;
  const char* data = nullptr;  // read_in_place: where the bytes are
  std::string_view piece() const { return {data, size}; }
};

class BodyReader {
 public:
  struct Timeouts {
    std::chrono::milliseconds idle;
    std::chrono::milliseconds line;
  };

  // `stream`: a socket, or a client's TLS stream; `tls`: an upstream's TLS
  // layer over the socket to read through instead (null: none).
  BodyReader(Stream stream, beast::flat_buffer& buffer, centinela::http::BodyDecoder& decoder,
             DeadlineWatch& watch, Timeouts timeouts, TlsStream* tls = nullptr)
      : stream_(stream),
        tls_(tls),
        buffer_(buffer),
        decoder_(decoder),
        watch_(watch),
        timeouts_(timeouts) {}

  // The next body bytes into `out`: at least one, unless the body is done or
  // an error ends it. What follows the body stays in the buffer.
  asio::awaitable<BodyRead> read(std::span<char> out);

  // The same when the buffer alone answers it (bytes, the end, or an error),
  // without a coroutine; nullopt when a read is needed.
  std::optional<BodyRead> read_buffered(std::span<char> out);

  // The same two without a copy: at most `max` next body bytes, viewed in
  // the read buffer (BodyRead::piece), where they stay until the next read.
  asio::awaitable<BodyRead> read_in_place(std::size_t max);
  std::optional<BodyRead> read_buffered_in_place(std::size_t max);

  // Bytes of the message taken from the buffer so far, framing included:
  // the body's size on the wire.
  std::uint64_t consumed() const { return consumed_; }

 private:
  // Reads until `take` (a buffered read) has an answer.
  template <typename Take>
  asio::awaitable<BodyRead> read_until(Take take);

  Stream stream_;
  TlsStream* tls_;
  beast::flat_buffer& buffer_;
  centinela::http::BodyDecoder& decoder_;
  DeadlineWatch& watch_;
  Timeouts timeouts_;
  bool line_open_ = false;  // a framing line was left unfinished by the last bytes
  SteadyTime line_start_{};
  std::uint64_t consumed_ = 0;
};

}  // namespace centinela::net
