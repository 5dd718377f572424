#include "net/h2_stream.h"

#include <algorithm>
#include <cstring>

#include "net/client_connection.h"
#include "net/h2_connection.h"
#include "net/worker.h"
#include "stage/background.h"

namespace centinela::net {
namespace {

constexpr std::size_t kCompactAfter = 64 * 1024;
// A reused stream keeps buffers up to this size (a request body's, a
// response head's): up to 32 spare streams of a busy connection hold at most
// 256 KiB, and a quiet connection none.
constexpr std::size_t kKeptBuffer = 4 * 1024;

}  // namespace

H2Stream::H2Stream(H2Connection& owner, std::int32_t stream_id, std::size_t max_header_list,
                   SteadyTime received)
    : connection(owner),
      id(stream_id),
      start(received),
      builder(head, max_header_list),
      wake(owner.client().worker.io()),
      watch(owner.client().worker.sweeper()) {}

void H2Stream::reuse(std::int32_t next_id, SteadyTime received) {
  id = next_id;
  start = received;
  head = h2::RequestHead();
  builder.reset();
  head_bytes = 0;
  verdict = {};
  if (body.capacity() > kKeptBuffer) std::string().swap(body);
  if (response_nv.text.capacity() > kKeptBuffer) std::string().swap(response_nv.text);
  if (trailer_fields.text.capacity() > kKeptBuffer) std::string().swap(trailer_fields.text);
  if (last_piece.capacity() > kKeptBuffer) std::string().swap(last_piece);
  if (trailers.capacity() > kKeptBuffer) std::string().swap(trailers);
  trailers.clear();
  trailer_bytes = 0;
  trailer_fields.nv.clear();
  trailer_nv = nullptr;
  body.clear();
  body_read = 0;
  body_received = 0;
  body_ended = false;
  body_absent = false;
  pending = {};
  packed = {};
  pending_is_last = false;
  end_sent = false;
  closed = false;
  released = false;
  running = false;
  served = false;
  ctx = nullptr;
  watch.disarm();
  watch.clear_abandoned();
}

void H2Stream::client_left() {
  closed = true;
  notify();
  // A response that went out whole needs nothing more from the upstream.
  if (end_sent) return;
  if (ctx != nullptr && stage::fetch_awaited(*ctx)) return;
  watch.abandon();
}

H2Downstream::H2Downstream(H2Stream& stream, h2::ResponseNv& nv, std::chrono::milliseconds idle,
                           std::uint64_t max_body, std::optional<std::uint64_t> declared_length,
                           bool body_present)
    : stream_(stream),
      nv_(nv),
      idle_(idle),
      max_body_(max_body),
      length_(declared_length),
      present_(body_present) {}

asio::awaitable<bool> H2Downstream::wait(SteadyTime deadline) {
  stream_.wake.expires_at(deadline);
  auto [ec] = co_await stream_.wake.async_wait(use_nothrow);
  co_return ec == asio::error::operation_aborted || SteadyClock::now() < deadline;
}

bool H2Downstream::done() const { return stream_.body_ended && stream_.unread_body() == 0; }

asio::awaitable<stage::BodyRead> H2Downstream::read(std::span<char> into) {
  started_ = true;
  nghttp2_session* session = stream_.connection.session();
  for (;;) {
    if (stream_.body_received > max_body_) {
      co_return stage::BodyRead{0, stage::BodyError::too_large, "request body too large"};
    }
    if (const std::size_t unread = stream_.unread_body(); unread > 0) {
      const std::size_t n = std::min(unread, into.size());
      std::memcpy(into.data(), stream_.body.data() + stream_.body_read, n);
      stream_.body_read += n;
      // What was read goes, now and then: the buffer stays within a window
      // or two however long the body.
      if (stream_.body_read == stream_.body.size() || stream_.body_read >= kCompactAfter) {
        stream_.body.erase(0, stream_.body_read);
        stream_.body_read = 0;
      }
      stream_.connection.give_back(stream_.id, n);
      stream_.connection.flush_soon();
      co_return stage::BodyRead{n};
    }
    if (stream_.body_ended) co_return stage::BodyRead{};
    if (stream_.closed) co_return stage::BodyRead{0, stage::BodyError::client_gone};
    if (expects_continue_ && !head_sent_) {
      expects_continue_ = false;
      static const nghttp2_nv kContinue = {
          const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>(":status")),
          const_cast<std::uint8_t*>(reinterpret_cast<const std::uint8_t*>("100")), 7, 3,
          NGHTTP2_NV_FLAG_NONE};
      nghttp2_submit_headers(session, NGHTTP2_FLAG_NONE, stream_.id, nullptr, &kContinue, 1,
                             nullptr);
      stream_.connection.flush_soon();
    }
    const bool news = co_await wait(SteadyClock::now() + idle_);
    if (!news) co_return stage::BodyRead{0, stage::BodyError::timeout};
  }
}

bool H2Downstream::send_head(const stage::Response& response) {
  if (aborted_ || stream_.closed) return false;
  status_ = response.status;
  h2::make_response_nv(response, nv_, &stream_.connection.sent_fields());
  with_body_ = response.sends_body;
  if (response.origin == stage::ResponseOrigin::stored && response.stored != nullptr) {
    stream_.held = response.stored;
    held_body_ = response.whole_body;  // the entry's body or one of its variants
  }
  nghttp2_data_provider provider{};
  provider.source.ptr = &stream_;
  provider.read_callback = read_response_body;
  const int rv = nghttp2_submit_response(stream_.connection.session(), stream_.id, nv_.nv.data(),
                                         nv_.nv.size(), with_body_ ? &provider : nullptr);
  if (rv != 0) {
    abort();
    return false;
  }
  head_sent_ = true;
  // Without a body the HEADERS frame carries END_STREAM.
  complete_ = !with_body_;
  if (!with_body_) stream_.end_sent = true;
  stream_.connection.flush_soon();
  return true;
}

std::optional<bool> H2Downstream::send_body_now(std::string_view piece, bool last) {
  if (aborted_ || !head_sent_) return false;
  if (!with_body_) return true;  // HEAD, 204, 304: whatever comes is not sent
  if (stream_.end_sent || stream_.closed) return false;
  if (last && keep_last_piece(piece)) return true;
  return std::nullopt;
}

asio::awaitable<bool> H2Downstream::send_body(std::string_view piece, bool last) {
  if (const std::optional<bool> now = send_body_now(piece, last)) co_return *now;
  stream_.pending = piece;
  stream_.pending_is_last = last;
  nghttp2_session_resume_data(stream_.connection.session(), stream_.id);
  stream_.connection.flush_soon();
  // The piece goes as fast as the client's windows let it; a client that
  // lets nothing through for `idle_` loses the stream.
  std::size_t left = piece.size();
  SteadyTime deadline = SteadyClock::now() + idle_;
  while (!stream_.pending.empty() || (last && !stream_.end_sent)) {
    if (stream_.closed) break;
    if (stream_.pending.size() < left) {
      left = stream_.pending.size();
      deadline = SteadyClock::now() + idle_;
    }
    if (!co_await wait(deadline)) break;
  }
  const bool whole = stream_.pending.empty() && (!last || stream_.end_sent);
  bytes_sent_ += piece.size() - stream_.pending.size();
  stream_.pending = {};
  if (!whole) {
    abort();
    co_return false;
  }
  complete_ = last;
  co_return true;
}

bool H2Downstream::keep_last_piece(std::string_view piece) {
  // Only what nghttp2 will take at the writer's next turn: both windows
  // admit it, no trailers follow, and the client sent its whole request (a
  // request still arriving gets RST_STREAM(NO_ERROR) when the coroutine
  // ends, which must not overtake the DATA). A piece of the held stored
  // response is lent as it is, whatever its size (the stream keeps the
  // entry); any other is copied, bounded as a reused stream's buffers are.
  nghttp2_session* session = stream_.connection.session();
  const bool held = !held_body_.empty() && piece.data() >= held_body_.data() &&
                    piece.data() + piece.size() <= held_body_.data() + held_body_.size();
  if ((!held && piece.size() > kKeptBuffer) || stream_.trailer_nv != nullptr ||
      !stream_.body_ended) {
    return false;
  }
  const auto size = static_cast<std::int32_t>(piece.size());
  if (nghttp2_session_get_stream_remote_window_size(session, stream_.id) < size ||
      nghttp2_session_get_remote_window_size(session) < size) {
    return false;
  }
  if (held) {
    stream_.pending = piece;
  } else {
    stream_.last_piece.assign(piece);
    stream_.pending = stream_.last_piece;
  }
  stream_.pending_is_last = true;
  nghttp2_session_resume_data(session, stream_.id);
  stream_.connection.flush_soon();
  bytes_sent_ += piece.size();
  complete_ = true;
  return true;
}

asio::awaitable<bool> H2Downstream::send_last(std::string_view piece, std::string_view trailers) {
  // Not in the head's list: nghttp2 may not have packed the HEADERS yet.
  if (with_body_ && head_sent_ && !aborted_) {
    h2::make_trailer_nv(trailers, stream_.trailer_fields);
    if (!stream_.trailer_fields.nv.empty()) stream_.trailer_nv = &stream_.trailer_fields;
  }
  const bool sent = co_await send_body(piece, true);
  stream_.trailer_nv = nullptr;
  co_return sent;
}

void H2Downstream::abort() {
  if (aborted_) return;
  aborted_ = true;
  stream_.pending = {};
  stream_.pending_is_last = false;
  stream_.trailer_nv = nullptr;
  if (stream_.closed) return;
  nghttp2_submit_rst_stream(stream_.connection.session(), NGHTTP2_FLAG_NONE, stream_.id,
                            NGHTTP2_INTERNAL_ERROR);
  stream_.connection.flush_soon();
}

ssize_t read_response_body(nghttp2_session* session, std::int32_t stream_id, std::uint8_t* /*buf*/,
                           std::size_t length, std::uint32_t* data_flags,
                           nghttp2_data_source* source, void* /*user_data*/) {
  H2Stream& stream = *static_cast<H2Stream*>(source->ptr);
  if (stream.pending.empty() && !stream.pending_is_last) return NGHTTP2_ERR_DEFERRED;
  // Not copied here: the send_data callback copies it into the write batch
  // with the frame's header (one copy fewer of every body byte).
  const std::size_t n = std::min(length, stream.pending.size());
  stream.packed = stream.pending.substr(0, n);
  stream.pending.remove_prefix(n);
  *data_flags |= NGHTTP2_DATA_FLAG_NO_COPY;
  stream.connection.data_sent();
  if (stream.pending.empty()) {
    if (stream.pending_is_last) {
      *data_flags |= NGHTTP2_DATA_FLAG_EOF;
      // Trailers end the stream instead of this DATA (submitted from here,
      // as nghttp2 asks, so they follow every byte of the body).
      const h2::ResponseNv* trailers = stream.trailer_nv;
      if (trailers != nullptr && nghttp2_submit_trailer(session, stream_id, trailers->nv.data(),
                                                        trailers->nv.size()) == 0) {
        *data_flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
      }
      stream.trailer_nv = nullptr;
      stream.end_sent = true;
    }
    // A kept last piece has no coroutine waiting for it.
    if (stream.running) stream.notify();
  }
  return static_cast<ssize_t>(n);
}

}  // namespace centinela::net
