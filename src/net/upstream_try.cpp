#include "net/upstream_try.h"

#include <array>
#include <boost/asio/ssl/error.hpp>
#include <memory>

#include "http/header_block.h"
#include "http/response_framing.h"
#include "net/body_writer.h"
#include "net/deadline.h"
#include "net/response_pieces.h"
#include "net/worker.h"
#include "observe/live_stats.h"
#include "observe/metrics.h"
#include "proxy/forward_headers.h"
#include "proxy/upstream_cluster.h"
#include "proxy/upstream_response_fields.h"
#include "proxy/websocket_upgrade.h"
#include "tls/client_context.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

constexpr std::uint32_t kUpstreamHeaderLimit = 64 * 1024;

double ms_since(SteadyTime t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

// A TLS server that closes without close_notify reads as a truncated stream.
bool is_disconnect(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

proxy::ConnectError connect_error_kind(const boost::system::error_code& ec, bool timed_out) {
  if (timed_out) return proxy::ConnectError::timeout;
  if (ec == asio::error::connection_refused) return proxy::ConnectError::refused;
  if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable) {
    return proxy::ConnectError::unreachable;
  }
  return proxy::ConnectError::other;
}

// Adds a body's wire bytes to a count however its relay ends.
class CountConsumed {
 public:
  CountConsumed(const BodyReader& reader, std::uint64_t& total) : reader_(reader), total_(total) {}
  ~CountConsumed() { total_ += reader_.consumed(); }
  CountConsumed(const CountConsumed&) = delete;
  CountConsumed& operator=(const CountConsumed&) = delete;

 private:
  const BodyReader& reader_;
  std::uint64_t& total_;
};

}  // namespace

UpstreamTry::UpstreamTry(TryPlan& plan, std::size_t server_index)
    : plan_(plan), server_(plan.cluster.server(server_index)) {}

// A request body's pieces pass through a chunk, taken when the first is read
// (a chunked response's share it: ResponsePieces; others are relayed from
// the connection's buffer).
std::span<char> UpstreamTry::body_space() { return plan_.worker.chunks().lend(body_); }

std::size_t UpstreamTry::server_index() const { return &server_ - &plan_.cluster.server(0); }

// The try, in one frame (the response head's reads included); settle()
// counts it once it ended.
asio::awaitable<TryOutcome> UpstreamTry::run(bool may_reuse, stage::ResponseSink& sink) {
  plan_.report.server = &server_;
  plan_.report.status = 0;
  if (plan_.watch.abandoned()) co_return TryOutcome::client_failed;
  const SteadyTime begin = SteadyClock::now();
  if (!take_pooled(may_reuse, begin)) {
    const TryOutcome connected = co_await connect();
    if (connected != TryOutcome::done) co_return connected;
  }
  // A pooled connection is ready at once: connect time 0 (as nginx's
  // $upstream_connect_time for a kept one), and no clock reading for it.
  const SteadyTime sent = reused_ ? begin : SteadyClock::now();
  plan_.timings.connect_ms = std::chrono::duration<double, std::milli>(sent - begin).count();

  std::optional<TryOutcome> at_once = send_at_once();
  TryOutcome result = TryOutcome::done;
  if (at_once) {
    result = *at_once;
  } else {
    result = co_await send_request();
  }
  // Heads are read until a final one: interim responses (100 Continue, 103
  // Early Hints) are not relayed. What follows the head stays in the
  // connection's buffer.
  const SteadyTime deadline = sent + plan_.response_timeout;
  while (result == TryOutcome::done && !response_started_) {
    if (const std::optional<TryOutcome> head = parse_head(connection_->buffer())) {
      result = *head == TryOutcome::done ? take_head() : *head;
      continue;
    }
    plan_.watch.arm(socket(), deadline);
    auto read = connection_->read_some(kFirstResponseRead);
    auto [ec, n] = co_await std::move(read);
    plan_.watch.disarm();
    result = after_head_read(ec);
  }
  // A kept connection that fails before any answer most likely was closed
  // by its server while idle: not the server's failure.
  if (result == TryOutcome::failed_unsent && reused_) result = TryOutcome::stale_connection;
  if (result != TryOutcome::done) co_return result;
  plan_.timings.response_ms = ms_since(sent);

  result = co_await relay_response(sink);
  if (result == TryOutcome::done) record_total(sent);
  co_return result;
}

bool UpstreamTry::take_pooled(bool may_reuse, SteadyTime now) {
  const auto& config = plan_.cluster.config();
  if (may_reuse) connection_ = plan_.worker.pool().take(server_.pool_key, config.idle_timeout, now);
  reused_ = connection_ != nullptr;
  if (!reused_) connection_ = std::make_unique<UpstreamConnection>(plan_.worker.io());
  return reused_;
}

void UpstreamTry::record_total(SteadyTime sent) {
  plan_.timings.total_ms = ms_since(sent);
  plan_.cluster.duration_histogram().observe(plan_.timings.total_ms / 1000.0);
  if (observe::LatencyWindows* windows = plan_.cluster.latency_windows()) {
    windows->observe(plan_.timings.total_ms / 1000.0);
  }
}

TryOutcome UpstreamTry::settle(TryOutcome outcome) {
  if (outcome != TryOutcome::done && plan_.watch.abandoned()) {
    // The client left (its waits were cancelled for it): not the server's
    // failure, and nothing to retry. The connection, in whatever state,
    // goes with this try.
    client_error_ = stage::BodyRead{0, stage::BodyError::client_gone};
    outcome = TryOutcome::client_failed;
  }
  const proxy::UpstreamServerMetrics& metrics = server_.metrics;
  metrics.count_bytes(bytes_sent_, bytes_received_);
  if (outcome == TryOutcome::response_timeout) metrics.count_timeout();
  return outcome;
}

asio::awaitable<TryOutcome> UpstreamTry::connect() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(server_.address, ec);
  if (ec) {
    server_.metrics.count_connect_error(proxy::ConnectError::other);
    co_return TryOutcome::connect_failed;
  }
  const SteadyTime deadline = SteadyClock::now() + plan_.cluster.config().connect_timeout;
  plan_.watch.arm(socket(), deadline);
  auto [connect_ec] =
      co_await socket().async_connect(tcp::endpoint(address, server_.endpoint.port), use_nothrow);
  plan_.watch.disarm();
  if (connect_ec && plan_.watch.abandoned()) co_return TryOutcome::client_failed;
  if (connect_ec) {
    const proxy::ConnectError error = connect_error_kind(connect_ec, plan_.watch.fired());
    server_.metrics.count_connect_error(error);
    if (error == proxy::ConnectError::timeout) co_return TryOutcome::connect_timeout;
    if (error == proxy::ConnectError::refused) co_return TryOutcome::connect_refused;
    co_return TryOutcome::connect_failed;
  }
  socket().set_option(tcp::no_delay(true), ec);
  // A typical response is one read, and the buffer never grows for it.
  connection_->buffer().reserve(kFirstResponseRead);
  if (plan_.cluster.config().tls) {
    // Without its context (never built) the server is not spoken to at all.
    tls::ClientContext* context = plan_.cluster.tls();
    if (context == nullptr) co_return TryOutcome::connect_failed;
    const TryOutcome shaken = co_await handshake(*context, deadline);
    co_return shaken;
  }
  co_return TryOutcome::done;
}

// The TLS handshake, within what is left of connect_timeout. A failure is
// the server's, as a refused connection is: counted by reason, logged once
// per server and reason, and tried elsewhere.
asio::awaitable<TryOutcome> UpstreamTry::handshake(tls::ClientContext& context,
                                                   SteadyTime deadline) {
  tls::SessionSlot& sessions = plan_.worker.pool().sessions(server_.pool_key);
  const std::string problem = connection_->start_tls(context, server_.endpoint.host, sessions);
  if (!problem.empty()) {
    plan_.cluster.count_tls_failure(server_index(), TlsFailure::protocol, problem);
    co_return TryOutcome::connect_failed;
  }
  plan_.watch.arm(socket(), deadline);
  auto [ec] = co_await connection_->handshake();
  plan_.watch.disarm();
  if (!ec) {
    plan_.cluster.tls_succeeded(server_index());
    co_return TryOutcome::done;
  }
  if (plan_.watch.abandoned()) co_return TryOutcome::client_failed;
  std::string detail;
  const TlsFailure failure = connection_->handshake_failure(ec, plan_.watch.fired(), detail);
  // A session the server would not take is not offered again.
  sessions.clear();
  plan_.cluster.count_tls_failure(server_index(), failure, detail);
  if (failure == TlsFailure::timeout) {
    server_.metrics.count_connect_error(proxy::ConnectError::timeout);
    co_return TryOutcome::connect_timeout;
  }
  co_return TryOutcome::connect_failed;
}

// The usual request, a head without a body on a cleartext connection,
// written at once when the socket takes it (no coroutine); nullopt when
// send_request() must send it, or what is left of it.
std::optional<TryOutcome> UpstreamTry::send_at_once() {
  if (tls() != nullptr || plan_.body.present() || !plan_.body.done()) return std::nullopt;
  PieceWrite write(plan_.framing, BodyPiece{plan_.head, nullptr, 0, true, {}});
  boost::system::error_code ec;
  std::size_t n = 0;
  const bool over = write.write_now(socket(), ec, n);
  bytes_sent_ += n;
  head_sent_ = n;
  if (n != 0) connection_->request_started();
  if (ec) return TryOutcome::failed_unsent;
  if (over) return TryOutcome::done;
  return std::nullopt;
}

// The head (what send_at_once() left of it) goes out with the body's first
// piece; each piece is read from the client only when the previous one was
// written.
asio::awaitable<TryOutcome> UpstreamTry::send_request() {
  stage::RequestBody& body = plan_.body;
  BodyPiece piece{plan_.head.substr(head_sent_)};
  for (;;) {
    piece.size = 0;
    if (!body.done()) {
      const stage::BodyRead got = co_await body.read(body_space());
      if (got.error != stage::BodyError::none) {
        client_error_ = got;
        co_return TryOutcome::client_failed;
      }
      piece.data = body_->data();
      piece.size = got.size;
    }
    piece.last = body.done();
    // The client's trailers follow the last chunk (a body sent with a
    // length has no place for them).
    if (piece.last) piece.trailers = body.trailers();
    if (piece.size != 0 || piece.last || !piece.head.empty()) {
      PieceWrite write(plan_.framing, piece);
      boost::system::error_code ec;
      std::size_t n = 0;
      // A cleartext request usually goes at once: no wait, no deadline.
      if (tls() != nullptr || !write.write_now(socket(), ec, n)) {
        plan_.watch.arm(socket(), SteadyClock::now() + plan_.cluster.config().timeout);
        auto [rest_ec, rest] = co_await write.start(socket(), tls());
        plan_.watch.disarm();
        ec = rest_ec;
        n += rest;
      }
      bytes_sent_ += n;
      if (ec) co_return TryOutcome::failed_unsent;
      piece.head = {};
      connection_->request_started();
    }
    if (piece.last) co_return TryOutcome::done;
  }
}

// What a read for the response head came to: done when the head may have
// more to parse.
TryOutcome UpstreamTry::after_head_read(const boost::system::error_code& ec) {
  if (connection_->heard_early()) return TryOutcome::stale_connection;
  if (!ec) return TryOutcome::done;
  if (plan_.watch.fired()) return TryOutcome::response_timeout;
  if (connection_->buffer().size() == 0 && !interim_seen_ && is_disconnect(ec)) {
    return TryOutcome::failed_unsent;
  }
  return TryOutcome::bad_response;
}

// A head parsed: a final one (or the 101 a WebSocket handshake may get)
// starts the response; an interim one is skipped, and one that announces a
// body leaves the stream in doubt.
TryOutcome UpstreamTry::take_head() {
  const unsigned status = head_.status;
  if (status >= 200 || status == 101) {
    plan_.report.status = status;
    server_.metrics.count_response(status);
  }
  if (status == 101) {
    // Only the handshake the gateway forwarded may be accepted; a 101 to
    // anything else is an upstream gone wrong.
    if (!plan_.ctx.websocket || !proxy::accepts_websocket(head_)) return TryOutcome::bad_response;
    upgrade_accepted_ = true;
    response_started_ = true;
    return TryOutcome::done;
  }
  if (status >= 200) {
    response_started_ = true;
    return TryOutcome::done;
  }
  interim_seen_ = true;
  const bool head_request = plan_.ctx.request.method() == http::verb::head;
  if (!wire::response_framing(head_.facts(head_request)).reusable) unclean_ = true;
  return TryOutcome::done;
}

// One head parsed from what the buffer holds: nullopt when more is needed.
// The stages keep views into the final head until the response is sent,
// and the body will reuse the buffer: that head moves to the request's
// arena (interim ones do not, however many an origin sends).
std::optional<TryOutcome> UpstreamTry::parse_head(beast::flat_buffer& buffer) {
  if (buffer.size() == 0) return std::nullopt;
  const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
  // The size bound holds before the head is complete: the buffer stays
  // bounded. The parse below checks every byte of a complete head.
  const wire::HeaderBlockScan scan = wire::scan_checked_header_block(data, kUpstreamHeaderLimit);
  if (scan.status == wire::HeaderBlockStatus::incomplete) return std::nullopt;
  // A response may not start with empty lines, and obs-fold, bare CR or LF
  // and NUL are refused (RFC 9112 §5.2 lets a proxy answer 502 for them).
  if (scan.status != wire::HeaderBlockStatus::complete || scan.skip != 0) {
    return TryOutcome::bad_response;
  }
  const std::string_view block = data.substr(0, scan.size - 2);
  if (wire::parse_status_line(block, head_) != wire::ResponseHeadError::none) {
    return TryOutcome::bad_response;
  }
  if (head_.status >= 200 || head_.status == 101) {
    if (!parse_final_fields(block)) return TryOutcome::bad_response;
  } else if (wire::parse_field_lines(head_, {}) != wire::ResponseHeadError::none) {
    return TryOutcome::bad_response;
  }
  buffer.consume(scan.size);
  bytes_received_ += scan.size;
  head_bytes_ = scan.size;
  return TryOutcome::done;
}

// A final head's field lines, kept in the request's arena with the head's
// copy they view: read into room on the stack, then copied (a head with
// more lines than that is counted and read again).
bool UpstreamTry::parse_final_fields(std::string_view block) {
  stage::Arena& arena = plan_.ctx.arena;
  head_.move_to(block, arena.copy(block));
  const wire::ResponseHead status_line = head_;  // what a second read starts from
  std::array<wire::FieldLine, 32> local;
  if (wire::parse_field_lines(head_, local) != wire::ResponseHeadError::none) return false;
  std::size_t lines = head_.lines.size();
  if (lines == local.size()) lines = wire::count_field_lines(head_);
  auto* first = static_cast<wire::FieldLine*>(
      arena.allocate(lines * sizeof(wire::FieldLine), alignof(wire::FieldLine)));
  const std::span<wire::FieldLine> room(first, lines);
  if (lines > local.size()) {
    head_ = status_line;
    std::uninitialized_default_construct_n(first, lines);
    return wire::parse_field_lines(head_, room) == wire::ResponseHeadError::none;
  }
  std::uninitialized_copy_n(local.begin(), lines, first);
  head_.lines = room;
  return true;
}

wire::BodyLimits UpstreamTry::response_body_limits() const {
  wire::BodyLimits limits;  // no max_body: responses are streamed, not held
  limits.max_chunk_extensions = plan_.max_chunk_extensions;
  // As on requests, the trailers count against the head's limit.
  limits.max_trailers =
      kUpstreamHeaderLimit - std::min<std::size_t>(head_bytes_, kUpstreamHeaderLimit);
  return limits;
}

asio::awaitable<TryOutcome> UpstreamTry::relay_response(stage::ResponseSink& sink) {
  const bool head_request = plan_.ctx.request.method() == http::verb::head;
  const wire::ResponseFraming framing = wire::response_framing(head_.facts(head_request));
  wire::BodyDecoder decoder(framing.framing, framing.length, response_body_limits());
  decoder.keep_trailers(trailers_);
  const auto timeout = plan_.cluster.config().timeout;
  BodyReader reader(socket(), connection_->buffer(), decoder, plan_.watch, {timeout, timeout},
                    tls());
  const CountConsumed count_body(reader, bytes_received_);

  // The first piece is read before the sink sees anything: a body broken
  // from its start is still a clean 502. Each piece is done with before the
  // next read (ResponsePieces: it may view the connection's buffer).
  ResponsePieces pieces(reader, framing.framing == wire::Framing::chunked, plan_.worker.chunks(),
                        body_);
  BodyRead first;
  if (!decoder.done()) {
    std::optional<BodyRead> got = pieces.buffered();
    if (!got) got = pieces.placed(co_await pieces.read());
    if (got->error == BodyReadError::idle_timeout || got->error == BodyReadError::line_timeout) {
      co_return TryOutcome::response_timeout;
    }
    if (got->error != BodyReadError::none) co_return TryOutcome::bad_response;
    first = *got;
  }

  stage::Response& response = plan_.ctx.arena.make<stage::Response>(plan_.ctx.arena);
  present(framing, response);
  bool clean = false;
  bool relayed = false;
  switch (sink.on_upstream_head(response)) {
    case stage::ResponseSink::HeadAction::relay:
      // Piece by piece into the sink, in this frame (no coroutine of its
      // own); clean when the whole body reached it.
      relayed = true;
      for (std::string_view piece = first.piece();;) {
        const bool last = decoder.done();
        bool sent = false;
        if (last && !trailers_.empty()) {
          sent = co_await sink.on_upstream_last(piece, trailers_);
        } else {
          sent = co_await sink.on_upstream_body(piece, last);
        }
        if (!sent || last) {
          clean = sent;
          break;
        }
        std::optional<BodyRead> got = pieces.buffered();
        if (!got) got = pieces.placed(co_await pieces.read());
        if (got->error != BodyReadError::none) {
          // The body broke off: the client cannot be told but by closing.
          sink.on_upstream_broken();
          break;
        }
        piece = got->piece();
      }
      break;
    case stage::ResponseSink::HeadAction::discard:
      clean = co_await drain_body(reader, decoder);
      break;
    case stage::ResponseSink::HeadAction::abort:
      break;
  }
  plan_.cluster.record_success(server_index());
  release_connection(clean && relayed, clean && framing.reusable && decoder.done());
  co_return TryOutcome::done;
}

// Where the connection goes once the response was relayed, drained or
// abandoned. `relayed`: the body reached the sink whole; `clean`: the stream
// ended by its own framing, one that leaves it reusable.
void UpstreamTry::release_connection(bool relayed, bool clean) {
  if (upgrade_accepted_) {
    // The 101 reached the client: what follows on this connection is the
    // tunnel's (frames may already wait in its buffer).
    if (relayed) plan_.upgraded = std::move(connection_);
    return;
  }
  // A handshake's connection carried an Upgrade: never pooled.
  if (plan_.ctx.websocket) return;
  // Pooled only when the stream is provably clean: the body ended by its own
  // framing, nothing follows it, and nothing earlier cast doubt on it.
  if (clean && !unclean_ && connection_->buffer().size() == 0) {
    const auto& config = plan_.cluster.config();
    plan_.worker.pool().give_back(server_.pool_key, std::move(connection_),
                                  config.max_idle_per_worker, config.idle_timeout);
  }
}

// The head as the stages see it: hop-by-hop fields gone, the framing left
// to the downstream, every field a view into the parsed head.
void UpstreamTry::present(const wire::ResponseFraming& framing, stage::Response& response) {
  response.origin = stage::ResponseOrigin::upstream;
  plan_.ctx.upstream_head_ms = plan_.timings.connect_ms + plan_.timings.response_ms;
  response.status = head_.status;
  response.reason = head_.reason;
  proxy::add_end_to_end_fields(head_, response.fields);
  response.sends_body = framing.framing != wire::Framing::none;
  // A response without a body (HEAD, 304) keeps the length a GET would get.
  if (framing.framing == wire::Framing::length) {
    response.length = framing.length;
  } else if (framing.framing == wire::Framing::none && head_.content_length) {
    response.length = *head_.content_length;
  }
}

// Reads the rest of a body nobody wants (the response was replaced), so the
// connection can still be reused.
asio::awaitable<bool> UpstreamTry::drain_body(BodyReader& reader,
                                              const wire::BodyDecoder& decoder) {
  while (!decoder.done()) {
    const BodyRead got = co_await reader.read_in_place(ResponsePieces::kMaxPiece);
    if (got.error != BodyReadError::none) co_return false;
  }
  co_return true;
}

}  // namespace centinela::net
