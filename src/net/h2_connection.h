// A client connection speaking HTTP/2 (RFC 9113), over TLS after ALPN chose
// `h2`, or cleartext with prior knowledge on a listener with `http2: true`.
// nghttp2 does the framing, HPACK and flow control with the gateway's bounds
// (h2/session_bounds.h) and per-connection budgets for frames that cost
// nothing to send (h2/flood_guard.h). Two coroutines share the connection: the
// reader feeds what arrives to nghttp2, whose callbacks start one coroutine
// per request stream (serve_h2_stream); the writer sends whatever nghttp2 has
// to say, woken by anyone who gave it something.
//
// Bounds: the header block of a stream (SETTINGS_MAX_HEADER_LIST_SIZE), the
// streams served at once (SETTINGS_MAX_CONCURRENT_STREAMS; a stream the client
// reset still counts while its coroutine finishes, which abandoning its
// upstream exchange makes prompt), one stream window of
// unread request body per stream and one connection window in all, one read
// buffer (the worker's, only while reading) and one write batch per
// connection; an idle connection holds neither.
#pragma once

#include <nghttp2/nghttp2.h>

#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "h2/flood_guard.h"
#include "h2/response_head.h"
#include "h2/session_bounds.h"
#include "net/asio_fwd.h"
#include "net/deadline.h"

namespace centinela::config {
struct Limits;
}

namespace centinela::net {

struct ClientConnection;
struct H2Stream;

class H2Connection {
 public:
  explicit H2Connection(ClientConnection& connection);
  ~H2Connection();
  H2Connection(const H2Connection&) = delete;
  H2Connection& operator=(const H2Connection&) = delete;

  // Serves the connection until it ends. `received`: bytes already read
  // from it (the preface the listener sniffed, or nothing after ALPN).
  asio::awaitable<void> run(std::string_view received);

  ClientConnection& client() { return c_; }
  nghttp2_session* session() { return session_.get(); }
  const config::Limits& limits() const;
  // nghttp2 has something to send: the writer wakes (once: a request asks
  // several times, and a writer that is not waiting looks anyway before it
  // waits).
  void flush_soon() {
    if (!writer_waiting_) return;
    writer_waiting_ = false;
    write_wake_.cancel();
  }
  // `size` bytes of a stream's DATA were read (or will never be): the
  // client may send as much more.
  void give_back(std::int32_t id, std::size_t size);
  // What its responses sent before (how HPACK indexes Date and the
  // volatile fields).
  h2::SentFields& sent_fields() { return sent_fields_; }
  // A DATA frame of a response was packed (the flood budget's credit).
  void data_sent() { flood_.on_data_sent(); }
  // A stream's coroutine ended.
  void stream_served(H2Stream& stream);

 private:
  friend struct H2Callbacks;

  asio::awaitable<void> read_loop(std::string_view received);
  asio::awaitable<void> write_loop();
  // Waits for the client's next bytes with nothing held that can go back.
  asio::awaitable<boost::system::error_code> wait_idle();
  // Feeds bytes to nghttp2; false when the connection must end.
  bool receive(const std::uint8_t* data, std::size_t size);
  // The client may send no more streams: GOAWAY with the last one we took.
  void go_away(std::uint32_t error_code);
  void end_all_streams();
  // The stream is done for nghttp2 and its coroutine: kept for reuse.
  void erase_stream(H2Stream& stream);
  // nghttp2 closed a stream of ours.
  void stream_closed();
  // With no stream left: after GOAWAY the connection ends; otherwise the
  // reader's wait gets the idle timeout.
  void became_idle_maybe();
  H2Stream* start_stream(std::int32_t id);
  void spawn_stream(H2Stream& stream);

  ClientConnection& c_;
  h2::SessionPtr session_;
  h2::FloodGuard flood_;
  h2::SentFields sent_fields_;
  // The streams nghttp2 or a coroutine still use (H2Stream::index), and
  // finished ones kept for the next streams: their timers and buffers are
  // made once per connection, not per request. A quiet connection keeps
  // none.
  std::vector<std::unique_ptr<H2Stream>> streams_;
  std::vector<std::unique_ptr<H2Stream>> spare_;
  // The stream whose header block nghttp2 is decoding (on_begin_headers).
  H2Stream* receiving_ = nullptr;
  std::size_t running_ = 0;       // stream coroutines alive
  std::size_t open_streams_ = 0;  // streams nghttp2 has not closed
  std::string out_;               // the batch being written
  asio::steady_timer write_wake_;
  asio::steady_timer done_wake_;  // run() waits here for the writer and the streams
  DeadlineWatch write_watch_;
  SteadyTime last_activity_{};
  // When the bytes being fed to nghttp2 were read: the time of every stream
  // and frame they carry (one clock reading a read, not one a frame).
  SteadyTime received_at_{};
  bool writer_running_ = false;
  bool writer_waiting_ = false;  // on write_wake_, not yet woken
  bool dead_ = false;            // the socket failed: nothing more is read or written
  bool stopping_ = false;        // no more reads: the writer flushes what is left and ends
  bool goaway_sent_ = false;
};

// Serves `connection` as HTTP/2 until it closes; `received` as in run().
asio::awaitable<void> serve_h2(std::unique_ptr<ClientConnection> connection, std::string received);

}  // namespace centinela::net
