#include "net/h2_connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <vector>

#include "config/config.h"
#include "http/http2_fields.h"
#include "http/trailer_fields.h"
#include "net/chunk_pool.h"
#include "net/client_connection.h"
#include "net/h2_stream.h"
#include "net/spawn_now.h"
#include "net/stream_io.h"
#include "net/worker.h"
#include "proxy/runtime.h"

namespace centinela::net {
namespace {

// The connection's receive window (the streams' is SessionBounds'): what a
// client may have sent of all its request bodies before the pipeline read it.
constexpr std::int32_t kConnectionWindow = 1024 * 1024;
// How long a connection without streams keeps its read buffer, write batch
// and OpenSSL's record buffers before it gives them back (as an HTTP/1.1
// connection parks after ~1 s).
constexpr std::chrono::milliseconds kQuietAfter{1000};
// Finished streams kept for reuse: h2load -m10 or a browser's page load
// has a few dozen at a time at most.
constexpr std::size_t kSpareStreams = 32;

const h2::SessionBounds& bounds() {
  static const h2::SessionBounds defaults;
  return defaults;
}

std::uint64_t milliseconds(SteadyTime t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}

std::string_view as_view(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

// nghttp2's callbacks, with the connection as user data.
struct H2Callbacks {
  static H2Connection& self(void* user_data) { return *static_cast<H2Connection*>(user_data); }

  static H2Stream* stream_of(nghttp2_session* session, std::int32_t id) {
    return static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session, id));
  }

  static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame,
                              void* user_data) {
    H2Connection& h2 = self(user_data);
    // The block's fields come next, all of this stream's (a header block
    // is never interleaved with another's): looked up once, not per field.
    h2.receiving_ = nullptr;
    if (frame->hd.type != NGHTTP2_HEADERS) return 0;
    if (frame->headers.cat != NGHTTP2_HCAT_REQUEST) {
      h2.receiving_ = stream_of(session, frame->hd.stream_id);
      return 0;
    }
    // A stream the client reset counts until its coroutine ended, which its
    // abandoned upstream exchange no longer holds up (H2Stream::client_left).
    if (h2.running_ >= bounds().max_concurrent_streams) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id,
                                NGHTTP2_REFUSED_STREAM);
      return 0;
    }
    h2.receiving_ = h2.start_stream(frame->hd.stream_id);
    return 0;
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                       const std::uint8_t* name, std::size_t name_size, const std::uint8_t* value,
                       std::size_t value_size, std::uint8_t /*flags*/, void* user_data) {
    H2Stream* stream = self(user_data).receiving_;
    if (stream == nullptr || stream->id != frame->hd.stream_id ||
        frame->hd.type != NGHTTP2_HEADERS) {
      stream = stream_of(session, frame->hd.stream_id);
    }
    if (stream == nullptr || frame->hd.type != NGHTTP2_HEADERS) return 0;
    const std::string_view n = as_view(name, name_size);
    const std::string_view v = as_view(value, value_size);
    if (frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      stream->head_bytes += name_size + value_size + 4;
      stream->builder.add(n, v);  // a malformed block is refused when it ends
      return 0;
    }
    // Trailers: vetted like any field, bounded; those that may be relayed
    // are kept for the upstream request (chunked when it has no length).
    if (!n.empty() && n.front() == ':') return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (centinela::http::check_http2_field(n, v) != centinela::http::Http2FieldVerdict::ok) {
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    // Head and trailers together within max_header_bytes, as on HTTP/1.1.
    stream->trailer_bytes += name_size + value_size + 4;
    if (stream->head_bytes + stream->trailer_bytes > self(user_data).limits().max_header_bytes) {
      return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    }
    if (stream->running && centinela::http::may_relay_trailer(n)) {
      stream->trailers.append(n).append(": ").append(v).append("\r\n");
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    H2Connection& h2 = self(user_data);
    if (!h2.flood_.on_frame(*frame, milliseconds(h2.received_at_))) {
      h2.stopping_ = true;  // nothing more is read: GOAWAY goes out, then the close
      return h2::FloodGuard::refuse(session);
    }
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    H2Stream* stream = stream_of(session, frame->hd.stream_id);
    if (stream == nullptr) return 0;
    const bool ends = (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) != 0;
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      stream->body_ended = ends;
      stream->body_absent = ends;
      h2.spawn_stream(*stream);
      return 0;
    }
    if (ends) {
      stream->body_ended = true;
      stream->notify();
    }
    return 0;
  }

  static int on_data_chunk(nghttp2_session* session, std::uint8_t /*flags*/, std::int32_t id,
                           const std::uint8_t* data, std::size_t size, void* user_data) {
    H2Stream* stream = stream_of(session, id);
    if (stream == nullptr || !stream->running) {
      self(user_data).give_back(id, size);  // nobody will read it
      return 0;
    }
    stream->body.append(reinterpret_cast<const char*>(data), size);
    stream->body_received += size;
    stream->notify();
    return 0;
  }

  static int on_stream_close(nghttp2_session* session, std::int32_t id,
                             std::uint32_t /*error_code*/, void* user_data) {
    H2Connection& h2 = self(user_data);
    H2Stream* const stream = stream_of(session, id);
    if (stream == nullptr) return 0;
    stream->released = true;
    if (stream->running) {
      stream->client_left();
    } else {
      stream->closed = true;
      h2.erase_stream(*stream);
    }
    h2.stream_closed();
    return 0;
  }

  // A DATA frame read_response_body left uncopied: its header and the bytes
  // it took go straight into the write batch.
  static int send_data(nghttp2_session* /*session*/, nghttp2_frame* /*frame*/,
                       const std::uint8_t* framehd, std::size_t length, nghttp2_data_source* source,
                       void* user_data) {
    static constexpr std::size_t kFrameHeader = 9;
    H2Stream& stream = *static_cast<H2Stream*>(source->ptr);
    // The frame's length is what the read callback returned (no padding is
    // ever asked for); anything else would put the connection out of step.
    if (length != stream.packed.size()) return NGHTTP2_ERR_CALLBACK_FAILURE;
    std::string& out = self(user_data).out_;
    out.append(reinterpret_cast<const char*>(framehd), kFrameHeader);
    out.append(stream.packed);
    stream.packed = {};
    return 0;
  }

  static nghttp2_session_callbacks* make() {
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) throw std::bad_alloc();
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, on_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, on_stream_close);
    nghttp2_session_callbacks_set_send_data_callback(callbacks, send_data);
    return callbacks;
  }

  // Made once: the callbacks are the same for every connection.
  static const nghttp2_session_callbacks& all() {
    static const std::unique_ptr<nghttp2_session_callbacks, void (*)(nghttp2_session_callbacks*)>
        callbacks(make(), nghttp2_session_callbacks_del);
    return *callbacks;
  }
};

H2Connection::H2Connection(ClientConnection& connection)
    : c_(connection),
      flood_(h2::FloodBounds{}),
      write_wake_(connection.worker.io()),
      done_wake_(connection.worker.io()),
      write_watch_(connection.worker.sweeper()) {
  session_ = h2::make_server_session(H2Callbacks::all(), this, bounds());
  nghttp2_session_set_local_window_size(session_.get(), NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
}

H2Connection::~H2Connection() {
  // The streams first: the session's deletion finds none to call back about.
  streams_.clear();
  spare_.clear();
  session_.reset();
}

const config::Limits& H2Connection::limits() const {
  return c_.worker.runtime()->config().server.limits;
}

H2Stream* H2Connection::start_stream(std::int32_t id) {
  std::unique_ptr<H2Stream> stream;
  if (spare_.empty()) {
    stream = std::make_unique<H2Stream>(*this, id, bounds().max_header_list_size, received_at_);
  } else {
    stream = std::move(spare_.back());
    spare_.pop_back();
    stream->reuse(id, received_at_);
  }
  H2Stream* raw = stream.get();
  raw->index = streams_.size();
  streams_.push_back(std::move(stream));
  nghttp2_session_set_stream_user_data(session_.get(), id, raw);
  ++open_streams_;
  // A draining worker takes this stream and tells the client it takes no
  // more (the reader may not have been woken by the drain yet).
  if (c_.worker.draining()) go_away(NGHTTP2_NO_ERROR);
  return raw;
}

void H2Connection::spawn_stream(H2Stream& stream) {
  const h2::HeadResult verdict = stream.builder.finish();
  stream.verdict = verdict;
  if (verdict.verdict == h2::HeadVerdict::malformed) {
    // A stream error (RFC 9113 §8.1.1): nothing is answered.
    nghttp2_submit_rst_stream(session_.get(), NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_PROTOCOL_ERROR);
    return;
  }
  stream.running = true;
  ++running_;
  // Started at once, inside nghttp2's callback (as co_spawn's dispatch
  // did), without co_spawn's frame, work guards and handler.
  spawn_now(c_.worker.io().get_executor(), serve_h2_stream(stream));
}

void H2Connection::stream_served(H2Stream& stream) {
  stream.running = false;
  --running_;
  // What nobody read goes back to the windows, whatever ended the stream: a
  // cancelled upload's bytes would otherwise shrink the connection's window
  // for good.
  give_back(stream.id, stream.unread_body());
  stream.body.clear();
  stream.body_read = 0;
  if (stream.released) {
    erase_stream(stream);
  } else if (!stream.closed) {
    // The response is whole (or was reset) while the client still sends:
    // it may stop (RFC 9113 §8.1).
    if (!stream.body_ended) {
      nghttp2_submit_rst_stream(session_.get(), NGHTTP2_FLAG_NONE, stream.id, NGHTTP2_NO_ERROR);
    }
  }
  flush_soon();
  became_idle_maybe();
  if (running_ == 0) done_wake_.cancel();
}

void H2Connection::give_back(std::int32_t id, std::size_t size) {
  if (size == 0) return;
  // The stream's window and the connection's while nghttp2 knows the
  // stream; only the connection's once it is gone.
  if (nghttp2_session_consume(session_.get(), id, size) != 0) {
    nghttp2_session_consume_connection(session_.get(), size);
  }
}

void H2Connection::stream_closed() {
  --open_streams_;
  became_idle_maybe();
}

void H2Connection::became_idle_maybe() {
  if (running_ != 0 || open_streams_ != 0) return;
  if (goaway_sent_) {
    // Drained: every stream GOAWAY let finish is done.
    stopping_ = true;
    boost::system::error_code ignored;
    c_.socket.cancel(ignored);
    return;
  }
  // The reader waits for the next stream from now on with the idle timeout.
  last_activity_ = SteadyClock::now();
  c_.watch.arm(c_.socket, last_activity_ + limits().idle_timeout);
}

void H2Connection::erase_stream(H2Stream& stream) {
  if (receiving_ == &stream) receiving_ = nullptr;
  // Swapped with the last one: the list's order means nothing.
  const std::size_t at = stream.index;
  std::unique_ptr<H2Stream> done = std::move(streams_[at]);
  if (at + 1 != streams_.size()) {
    streams_[at] = std::move(streams_.back());
    streams_[at]->index = at;
  }
  streams_.pop_back();
  // nghttp2 is done with it: a spare stream pins no stored entry (an entry
  // evicted meanwhile would otherwise outlive the cache's memory bound).
  done->held.reset();
  if (spare_.size() < kSpareStreams) spare_.push_back(std::move(done));
}

void H2Connection::go_away(std::uint32_t error_code) {
  if (goaway_sent_) return;
  goaway_sent_ = true;
  nghttp2_submit_goaway(session_.get(), NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(session_.get()), error_code,
                        nullptr, 0);
  flush_soon();
}

// The streams' coroutines learn the client is gone; the streams themselves
// go with the connection (nghttp2 may still hold pointers to them).
void H2Connection::end_all_streams() {
  for (const auto& stream : streams_) {
    if (stream->running) {
      stream->client_left();
    } else {
      stream->closed = true;
    }
  }
}

bool H2Connection::receive(const std::uint8_t* data, std::size_t size) {
  const auto consumed = nghttp2_session_mem_recv(session_.get(), data, size);
  if (consumed < 0) {
    // A connection error nghttp2 could not answer itself (a bad preface,
    // a flood it bounds): GOAWAY, then the close.
    nghttp2_session_terminate_session(session_.get(), NGHTTP2_PROTOCOL_ERROR);
    goaway_sent_ = true;
    return false;
  }
  return nghttp2_session_want_read(session_.get()) != 0;
}

asio::awaitable<void> H2Connection::read_loop(std::string_view received) {
  last_activity_ = SteadyClock::now();
  received_at_ = last_activity_;
  if (!received.empty() &&
      !receive(reinterpret_cast<const std::uint8_t*>(received.data()), received.size())) {
    stopping_ = true;
    co_return;
  }
  flush_soon();
  while (!dead_ && !stopping_) {
    const bool idle = running_ == 0 && open_streams_ == 0;
    const SteadyTime idle_until = last_activity_ + limits().idle_timeout;
    // A connection quiet for a while gives its buffers back and waits for
    // readiness; one between requests keeps them (no churn per request).
    const bool quiet = idle && SteadyClock::now() >= last_activity_ + kQuietAfter;
    // Waiting for frames is "idle" for the drain: it cancels the read, and
    // the connection answers with GOAWAY.
    c_.watch.set_idle(!goaway_sent_);
    SteadyTime deadline = SteadyTime::max();
    if (idle) deadline = quiet ? idle_until : std::min(idle_until, last_activity_ + kQuietAfter);
    c_.watch.arm(c_.socket, deadline);
    boost::system::error_code ec;
    if (quiet && !c_.tls_pending()) ec = co_await wait_idle();
    // The read buffer is the worker's, taken only for the read.
    ChunkPool::Lease chunk = c_.worker.chunks().take();
    std::size_t n = 0;
    if (!ec) {
      Stream stream = c_.stream();
      auto [read_ec, got] =
          co_await stream.async_read_some(asio::buffer(chunk.data(), chunk.size()), use_nothrow);
      ec = read_ec;
      n = got;
    }
    const bool fired = c_.watch.fired();
    c_.watch.disarm();
    c_.watch.set_idle(false);
    if (dead_ || stopping_) break;
    if (ec && !fired) {
      dead_ = true;  // closed, reset, or the writer failed
      break;
    }
    if (ec && !c_.worker.draining() && idle && !quiet && SteadyClock::now() < idle_until) {
      continue;  // quiet for kQuietAfter: the next wait holds nothing
    }
    if (ec) {
      // The drain, or the idle deadline: no more streams, finish those open.
      go_away(NGHTTP2_NO_ERROR);
      if (running_ == 0 && open_streams_ == 0) break;
      continue;
    }
    last_activity_ = SteadyClock::now();
    received_at_ = last_activity_;
    const bool goes_on = receive(reinterpret_cast<const std::uint8_t*>(chunk.data()), n);
    flush_soon();
    if (!goes_on || stopping_) break;
  }
  stopping_ = true;
}

asio::awaitable<boost::system::error_code> H2Connection::wait_idle() {
  // An idle connection keeps nothing it can give back: no read buffer, no
  // write batch, none of OpenSSL's record buffers (they come back with the
  // next read), only nghttp2's session (its HPACK tables and frame buffer).
  if (c_.tls != nullptr) c_.tls->release_idle_memory();
  if (out_.empty()) std::string().swap(out_);
  spare_.clear();
  auto [ec] = co_await c_.socket.async_wait(tcp::socket::wait_read, use_nothrow);
  co_return ec;
}

asio::awaitable<void> H2Connection::run(std::string_view received) {
  writer_running_ = true;
  asio::co_spawn(c_.worker.io(), write_loop(), asio::detached);
  co_await read_loop(received);
  // Whatever is still open ends here; the writer sends what is left (a
  // GOAWAY) and stops.
  end_all_streams();
  flush_soon();
  while (writer_running_) {
    done_wake_.expires_at(SteadyTime::max());
    co_await done_wake_.async_wait(use_nothrow);
  }
  // The client sees the end now. Its streams' upstream exchanges were
  // abandoned (end_all_streams); one that leads a fetch other requests wait
  // on goes on (bounded by the upstream's timeout) without holding the
  // client up.
  c_.stream().shutdown_send();
  while (running_ != 0) {
    done_wake_.expires_at(SteadyTime::max());
    co_await done_wake_.async_wait(use_nothrow);
  }
}

asio::awaitable<void> serve_h2(std::unique_ptr<ClientConnection> connection, std::string received) {
  ClientConnection& c = *connection;
  H2Connection h2(c);
  co_await h2.run(received);
}

}  // namespace centinela::net
