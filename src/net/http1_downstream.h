// One request on an HTTP/1.1 client connection, as the pipeline's downstream.
// Its request body is read through the connection's BodyReader (the client is
// invited with 100 Continue on the first read when it asked for that), and it
// is the gateway's one HTTP/1.1 response writer: status line, the response's
// fields, framing decided here (Content-Length, chunked, or the close for an
// HTTP/1.0 client; HEAD and 304 announce a GET's length), keep-alive or
// Connection: close, and the head sent with the first piece of body in one
// gather write. Local answers, stored answers and upstream answers all leave
// through it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/body_decoder.h"
#include "http/head_writer.h"
#include "net/asio_fwd.h"
#include "net/body_reader.h"
#include "stage/downstream.h"

namespace centinela::net {

class ClientCloseWatch;
class DeadlineWatch;

// What the writer needs to know of the request it answers.
struct ClientRequest {
  unsigned version = 11;   // 10 or 11
  bool keep_alive = true;  // the client allows another request on the connection
  bool head_request = false;
  bool expects_continue = false;             // Expect: 100-continue
  std::optional<std::uint64_t> body_length;  // its Content-Length, when it has one
  // A WebSocket handshake the route allows: a 101 is written as the switch
  // to the tunnel (Connection: Upgrade, Upgrade: websocket, no framing).
  bool websocket = false;
};

class Http1Downstream final : public stage::Downstream, public stage::RequestBody {
 public:
  // The connection's parts this request uses.
  struct Io {
    Stream stream;               // the client's: cleartext or TLS
    beast::flat_buffer& buffer;  // read buffer: the body's first bytes follow the head in it
    DeadlineWatch& watch;
    std::string& head;  // where response heads are written (reused)
    // Started once the request body was read whole (null: none).
    ClientCloseWatch* close_watch = nullptr;
  };
  // idle: each read and write; line: a chunked body's framing line.
  using Timeouts = BodyReader::Timeouts;

  // `draining`: the worker's flag; a response made while it is set closes the
  // connection. `body`: the request body's framing.
  Http1Downstream(Io io, Timeouts timeouts, const bool& draining, ClientRequest request,
                  const centinela::http::BodyDecoder& body);

  // --- stage::Downstream ---------------------------------------------------
  stage::RequestBody& request_body() override { return *this; }
  bool send_head(const stage::Response& response) override;
  asio::awaitable<bool> send_body(std::string_view piece, bool last) override;
  // The trailers follow the last chunk; a response with a length or an
  // HTTP/1.0 close has no place for them and drops them.
  asio::awaitable<bool> send_last(std::string_view piece, std::string_view trailers) override;
  void abort() override;
  bool head_sent() const override { return head_written_ || head_pending_; }

  // --- stage::RequestBody --------------------------------------------------
  bool present() const override { return decoder_.framing() != centinela::http::Framing::none; }
  std::optional<std::uint64_t> length() const override { return length_; }
  bool done() const override { return decoder_.done(); }
  bool started() const override { return body_started_; }
  asio::awaitable<stage::BodyRead> read(std::span<char> into) override;
  std::string_view trailers() const override {
    return request_trailers_ != nullptr && decoder_.done() ? std::string_view(*request_trailers_)
                                                           : std::string_view{};
  }
  // A chunked request body's trailer fields are kept in `out` (the slot's,
  // reused), so the upstream request can carry them.
  void keep_request_trailers(std::string& out) {
    decoder_.keep_trailers(out);
    request_trailers_ = &out;
  }

  // --- after the exchange ---------------------------------------------------
  // The status sent (400 when the client broke off its body and got
  // nothing; 0 when nothing was sent otherwise).
  unsigned status() const;
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  // Request body bytes read from the client, framing included.
  std::uint64_t body_bytes_received() const { return reader_.consumed(); }
  // Whether another request may follow on the connection: the response went
  // out whole and nothing rules the connection out.
  bool keeps_connection() const { return complete_ && !close_; }
  // Whether bytes of the request body were left unread (the connection then
  // lingers before it closes, so the client sees the answer, not a reset).
  bool body_unread() const { return !decoder_.done(); }
  // Whether the 101 of a WebSocket handshake went out whole: the connection
  // now carries the tunnel.
  bool upgraded() const { return upgraded_ && complete_ && !aborted_; }

 private:
  void write_head(const stage::Response& response, centinela::http::ClientFraming framing,
                  bool keep_alive);
  void write_upgrade_head(const stage::Response& response);
  asio::awaitable<bool> write_piece(std::string_view piece, bool last, std::string_view trailers);

  Io io_;
  Timeouts timeouts_;
  const bool& draining_;
  ClientRequest request_;
  centinela::http::BodyDecoder decoder_;
  BodyReader reader_;
  std::optional<std::uint64_t> length_;
  const std::string* request_trailers_ = nullptr;
  centinela::http::BodyFraming framing_ = centinela::http::BodyFraming::none;
  unsigned status_ = 0;
  std::uint64_t bytes_sent_ = 0;
  bool head_pending_ = false;  // written into io_.head, not yet sent
  bool head_written_ = false;
  bool complete_ = false;  // the last piece went out
  bool close_ = false;
  bool aborted_ = false;
  bool continue_sent_ = false;
  bool body_started_ = false;
  bool body_failed_ = false;
  bool upgraded_ = false;  // the head written was a 101 switching to WebSocket
};

}  // namespace centinela::net
