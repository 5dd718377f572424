#include "net/http1_downstream.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>

#include "net/body_writer.h"
#include "net/client_close_watch.h"
#include "net/deadline.h"
#include "proxy/websocket_upgrade.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

// The body read's error as the pipeline sees it.
stage::BodyRead read_error(BodyReadError error, const wire::BodyDecoder& decoder) {
  switch (error) {
    case BodyReadError::framing:
      if (decoder.error() == wire::BodyError::body_too_large) {
        return {0, stage::BodyError::too_large, "request body too large"};
      }
      return {0, stage::BodyError::malformed, wire::describe(decoder.error())};
    case BodyReadError::line_timeout:
      return {0, stage::BodyError::malformed, "a chunked framing line did not end"};
    case BodyReadError::idle_timeout:
      return {0, stage::BodyError::timeout, {}};
    default:
      return {0, stage::BodyError::client_gone, {}};
  }
}

}  // namespace

Http1Downstream::Http1Downstream(Io io, Timeouts timeouts, const bool& draining,
                                 ClientRequest request, const wire::BodyDecoder& body)
    : io_(io),
      timeouts_(timeouts),
      draining_(draining),
      request_(request),
      decoder_(body),
      reader_(io.stream, io.buffer, decoder_, io.watch, timeouts),
      length_(decoder_.framing() == wire::Framing::length ? request.body_length : std::nullopt) {}

unsigned Http1Downstream::status() const {
  if (status_ == 0 && body_failed_) return 400;
  return status_;
}

asio::awaitable<stage::BodyRead> Http1Downstream::read(std::span<char> into) {
  if (decoder_.done()) co_return stage::BodyRead{};
  if (request_.expects_continue && !continue_sent_) {
    // The upstream never sees Expect: the gateway invites the body itself,
    // when someone first wants it.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    continue_sent_ = true;
    io_.watch.arm(io_.stream.socket(), SteadyClock::now() + timeouts_.idle);
    auto [ec, n] = co_await asio::async_write(io_.stream, asio::buffer(kContinue), use_nothrow);
    io_.watch.disarm();
    if (ec) {
      body_failed_ = true;
      co_return stage::BodyRead{0, stage::BodyError::client_gone};
    }
  }
  body_started_ = true;
  std::optional<BodyRead> got = reader_.read_buffered(into);
  if (!got) got = co_await reader_.read(into);
  if (got->error == BodyReadError::none) {
    // From now on the client's socket is read for its end only.
    if (decoder_.done() && io_.close_watch != nullptr) io_.close_watch->start();
    co_return stage::BodyRead{got->size};
  }
  body_failed_ = true;
  co_return read_error(got->error, decoder_);
}

bool Http1Downstream::send_head(const stage::Response& response) {
  if (aborted_) return false;
  if (response.status == 101 && request_.websocket) {
    close_ = true;
    upgraded_ = true;
    framing_ = wire::BodyFraming::none;
    status_ = 101;
    write_upgrade_head(response);
    head_pending_ = true;
    return true;
  }
  const wire::ClientFraming framing =
      wire::client_framing(response.sends_body, response.length, request_.version);
  // A request body left unread makes the connection unusable: its bytes
  // would be taken for the next request.
  const bool keep_alive = request_.keep_alive && !close_ && !draining_ && decoder_.done() &&
                          framing.framing != wire::BodyFraming::close;
  close_ = !keep_alive;
  framing_ = framing.framing;
  status_ = response.status;
  write_head(response, framing, keep_alive);
  head_pending_ = true;
  return true;
}

// A 101 for the handshake: no framing, and the connection is the tunnel's
// from here on (never another request).
void Http1Downstream::write_upgrade_head(const stage::Response& response) {
  std::string& out = io_.head;
  out.clear();
  wire::append_status_line(out, 11, 101, "Switching Protocols");
  wire::append_field_lines(out, response.fields);
  out += proxy::kUpgradeLines;
  out += "\r\n";
}

void Http1Downstream::write_head(const stage::Response& response, wire::ClientFraming framing,
                                 bool keep_alive) {
  std::string& out = io_.head;
  out.clear();
  std::string_view reason = response.reason;
  if (reason.empty()) {
    reason = beast::http::obsolete_reason(static_cast<beast::http::status>(response.status));
  }
  wire::append_status_line(out, request_.version, response.status, reason);
  wire::append_field_lines(out, response.fields);
  wire::append_framing(out, framing.announced, response.length.value_or(0), !keep_alive,
                       keep_alive && request_.version < 11);
}

asio::awaitable<bool> Http1Downstream::send_body(std::string_view piece, bool last) {
  return write_piece(piece, last, {});
}

asio::awaitable<bool> Http1Downstream::send_last(std::string_view piece,
                                                 std::string_view trailers) {
  return write_piece(piece, true, trailers);
}

asio::awaitable<bool> Http1Downstream::write_piece(std::string_view piece, bool last,
                                                   std::string_view trailers) {
  if (aborted_ || complete_) co_return false;
  BodyPiece out;
  if (head_pending_) out.head = io_.head;
  // A response without a body (HEAD, 304) sends none, whatever it is given.
  if (framing_ != wire::BodyFraming::none) {
    out.data = piece.data();
    out.size = piece.size();
  }
  out.last = last;
  out.trailers = trailers;
  PieceWrite write(framing_, out);
  if (!write.empty()) {
    boost::system::error_code ec;
    std::size_t n = 0;
    // What the socket takes at once needs no wait (and no deadline).
    if (!write.write_now(io_.stream, ec, n)) {
      io_.watch.arm(io_.stream.socket(), SteadyClock::now() + timeouts_.idle);
      auto [rest_ec, rest] = co_await write.start(io_.stream);
      io_.watch.disarm();
      ec = rest_ec;
      n += rest;
    }
    bytes_sent_ += n;
    head_pending_ = false;
    head_written_ = true;
    if (ec) {
      close_ = true;
      aborted_ = true;
      co_return false;
    }
  }
  if (last) complete_ = true;
  co_return true;
}

void Http1Downstream::abort() {
  // Whatever went out cannot be completed: the close tells the client.
  close_ = true;
  aborted_ = true;
}

}  // namespace centinela::net
