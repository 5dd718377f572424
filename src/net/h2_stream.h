// One HTTP/2 stream of a client connection (h2_connection.h): what nghttp2's
// callbacks learn of it (the request head, its DATA), and the downstream the
// pipeline answers it through. A stream is served by its own coroutine
// (serve_h2_stream) with a request slot from the worker's pool, exactly like
// an HTTP/1.1 request (exchange.h).
//
// Flow control ties both bodies to the pace of their reader: the request body
// is acknowledged (WINDOW_UPDATE) only as the pipeline reads it, so a client
// can buffer at most one stream window in the gateway; a response piece is
// handed to nghttp2 only as the client's window admits it, and send_body
// returns only once nghttp2 took all of it (or, for a small last piece the
// windows admit at once, once it is copied into the stream), so a slow client
// slows the upstream instead of filling the gateway's memory.
#pragma once

#include <nghttp2/nghttp2.h>

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "h2/request_head.h"
#include "h2/response_head.h"
#include "net/asio_fwd.h"
#include "net/deadline.h"
#include "net/spawn_now.h"
#include "stage/downstream.h"
#include "stage/stored_response.h"

namespace centinela::stage {
struct RequestContext;
}

namespace centinela::net {

class H2Connection;

struct H2Stream {
  // `received`: when the bytes that opened it were read.
  H2Stream(H2Connection& connection, std::int32_t id, std::size_t max_header_list,
           SteadyTime received);

  // The object serves the connection's next stream: as new, but with its
  // timer, watch and buffers kept (made once per connection, not per
  // stream). Every per-stream field below is reset here.
  void reuse(std::int32_t next_id, SteadyTime received);

  H2Connection& connection;
  std::int32_t id;
  SteadyTime start;
  std::size_t index = 0;  // in the connection's list of streams
  h2::RequestHead head;
  h2::RequestHeadBuilder builder;
  std::size_t head_bytes = 0;  // the header block as decoded, for the access log
  h2::HeadResult verdict;      // the builder's, once the block ended

  // The request body: received and not yet read (at most a stream window).
  std::string body;
  std::size_t body_read = 0;        // of `body`
  std::uint64_t body_received = 0;  // DATA payload in all
  bool body_ended = false;          // END_STREAM came
  bool body_absent = false;         // END_STREAM came with the head
  // The request's trailer fields that may be relayed, as "name: value\r\n"
  // lines, and the bytes of all it sent (with head_bytes, at most
  // server.limits.max_header_bytes).
  std::string trailers;
  std::size_t trailer_bytes = 0;

  // The response head as nghttp2 sends it, which it does not copy: kept
  // with the stream, which is reused only once nghttp2 closed it (a closed
  // stream's queued HEADERS are dropped unread).
  h2::ResponseNv response_nv;
  // The response's trailers as nghttp2 sends them (uncopied too, kept alike).
  h2::ResponseNv trailer_fields;

  // The response piece being handed to nghttp2: a view of the caller's
  // bytes, valid while send_body waits, or of `last_piece`.
  std::string_view pending;
  // A small last piece the client's windows admit, copied so that the
  // stream's coroutine need not wait for the writer to pack it.
  std::string last_piece;
  // A stored response being sent (a cache hit): kept until nghttp2 closed
  // the stream and its coroutine ended (H2Connection::erase_stream), so that
  // its body can be handed to nghttp2 as it is and the coroutine end before
  // the DATA is packed.
  std::shared_ptr<const stage::StoredResponse> held;
  // What read_response_body took of `pending` for the DATA frame nghttp2 is
  // packing: the send_data callback appends it to the batch, in the same
  // nghttp2_session_mem_send call, so it is still valid there.
  std::string_view packed;
  bool pending_is_last = false;
  // With the last piece: the trailers that end the response (a HEADERS
  // frame with END_STREAM after the DATA); null: DATA ends it.
  const h2::ResponseNv* trailer_nv = nullptr;
  bool end_sent = false;  // nghttp2 took the last byte and END_STREAM

  bool closed = false;    // done, reset by either side, or the connection ends
  bool released = false;  // nghttp2 closed it and holds no pointer to it any more
  bool running = false;   // a coroutine serves it
  bool served = false;    // its coroutine ran and ended
  // Wakes the stream's coroutine: a timer that never expires by itself,
  // cancelled when there is news (DATA, window, close).
  asio::steady_timer wake;
  DeadlineWatch watch;  // the upstream's waits

  // The request's context while its coroutine serves it (for client_left).
  stage::RequestContext* ctx = nullptr;

  void notify() { wake.cancel(); }
  // The client reset the stream or its connection ended: the coroutine
  // learns it, and the upstream exchange is abandoned at once (its
  // connection closed, not pooled) unless other requests wait on the same
  // fetch (stage::SharedFetch, stage/background.h).
  void client_left();
  // Unread request body bytes, handed back to the flow-control windows.
  std::size_t unread_body() const { return body.size() - body_read; }
};

// The stream as the pipeline's downstream and request body.
class H2Downstream final : public stage::Downstream, public stage::RequestBody {
 public:
  // `idle`: how long one read or one piece may wait for the client. `nv`:
  // where the response head is made (the stream's, see H2Stream).
  H2Downstream(H2Stream& stream, h2::ResponseNv& nv, std::chrono::milliseconds idle,
               std::uint64_t max_body, std::optional<std::uint64_t> declared_length,
               bool body_present);

  // --- stage::Downstream ---------------------------------------------------
  stage::RequestBody& request_body() override { return *this; }
  bool send_head(const stage::Response& response) override;
  asio::awaitable<bool> send_body(std::string_view piece, bool last) override;
  // A piece after which nothing is sent (aborted, HEAD, closed), or a small
  // last piece the windows admit: settled at once.
  std::optional<bool> send_body_now(std::string_view piece, bool last) override;
  // The last piece's DATA without END_STREAM, then the trailers in a HEADERS
  // frame that ends the stream.
  asio::awaitable<bool> send_last(std::string_view piece, std::string_view trailers) override;
  void abort() override;
  bool head_sent() const override { return head_sent_; }

  // --- stage::RequestBody --------------------------------------------------
  bool present() const override { return present_; }
  std::optional<std::uint64_t> length() const override { return length_; }
  bool done() const override;
  bool started() const override { return started_; }
  asio::awaitable<stage::BodyRead> read(std::span<char> into) override;
  std::string_view trailers() const override {
    return done() ? std::string_view(stream_.trailers) : std::string_view{};
  }

  // The client sent `expect: 100-continue`: the first read of the body
  // invites it with a 100 (the upstream never sees Expect).
  void expect_continue() { expects_continue_ = true; }

  // --- after the exchange ---------------------------------------------------
  unsigned status() const { return status_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  // Whether the response went out whole (END_STREAM, or a head without body).
  bool complete() const { return complete_; }
  // Whether the client reset the stream, or its connection ended.
  bool client_gone() const { return stream_.closed; }

 private:
  // The last piece, copied and handed to nghttp2 without waiting when it
  // can go at once; false when it must be waited for.
  bool keep_last_piece(std::string_view piece);
  // Waits for news on the stream until `deadline`; false when it passed.
  asio::awaitable<bool> wait(SteadyTime deadline);

  H2Stream& stream_;
  h2::ResponseNv& nv_;
  std::chrono::milliseconds idle_;
  std::uint64_t max_body_;
  std::optional<std::uint64_t> length_;
  // The body of the held stored response (H2Stream::held), or empty.
  std::string_view held_body_;
  bool present_;
  unsigned status_ = 0;
  std::uint64_t bytes_sent_ = 0;
  bool head_sent_ = false;
  bool with_body_ = false;  // a data provider follows the head
  bool complete_ = false;
  bool aborted_ = false;
  bool started_ = false;
  bool expects_continue_ = false;
};

// Serves the stream's request through the pipeline (exchange.h), with a
// request slot from the worker's pool; tells the connection when it ends.
// Started with spawn_now (its own thread of execution).
SpawnedTask serve_h2_stream(H2Stream& stream);

// nghttp2's data source for a response body: the stream's pending piece.
ssize_t read_response_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* buf,
                           std::size_t length, std::uint32_t* data_flags,
                           nghttp2_data_source* source, void* user_data);

}  // namespace centinela::net
