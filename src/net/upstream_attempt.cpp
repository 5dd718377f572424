#include "net/upstream_attempt.h"

#include <boost/asio/write.hpp>

#include "http/response_framing.h"
#include "net/body_writer.h"
#include "net/compression_stage.h"
#include "net/deadline.h"
#include "net/response_tap.h"
#include "net/worker.h"
#include "observe/metrics.h"
#include "proxy/forward_headers.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"

namespace centinela::net {
namespace {

constexpr std::size_t kReadSize = ChunkPool::kChunkSize;
constexpr std::uint32_t kUpstreamHeaderLimit = 64 * 1024;

double ms_since(SteadyTime t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

bool request_has_body(const RequestParser& parser) {
  if (parser.chunked()) return true;
  const auto length = parser.content_length();
  return length && *length > 0;
}

bool is_disconnect(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe;
}

template <typename Parser>
centinela::http::ResponseHeadFacts head_facts(const Parser& parser, bool head_request) {
  const auto& res = parser.get();
  centinela::http::ResponseHeadFacts facts;
  facts.status = res.result_int();
  facts.head_request = head_request;
  facts.has_transfer_encoding = res.find(http::field::transfer_encoding) != res.end();
  facts.chunked = parser.chunked();
  if (const auto length = parser.content_length()) facts.content_length = *length;
  facts.keep_alive = res.keep_alive();
  return facts;
}

}  // namespace

UpstreamAttempt::UpstreamAttempt(Exchange& ex, proxy::UpstreamCluster& cluster,
                                 std::size_t server_index)
    : ex_(ex),
      cluster_(cluster),
      server_(cluster.server(server_index)),
      config_(cluster.config()),
      body_(ex.worker.chunks().take()) {}

std::size_t UpstreamAttempt::server_index() const { return &server_ - &cluster_.server(0); }

asio::awaitable<Attempt> UpstreamAttempt::run(bool may_reuse) {
  const SteadyTime begin = SteadyClock::now();
  if (may_reuse) connection_ = ex_.worker.pool().take(server_.endpoint.text, config_.idle_timeout);
  reused_ = connection_ != nullptr;
  if (!reused_) {
    connection_ = std::make_unique<UpstreamConnection>(ex_.worker.io());
    const Attempt connected = co_await connect();
    if (connected != Attempt::done) co_return connected;
  }
  ex_.upstream_connect_ms = ms_since(begin);

  const SteadyTime sent = SteadyClock::now();
  Attempt result = co_await send_request();
  if (result == Attempt::done) result = co_await read_response_head(sent);
  // A kept connection that fails before any answer most likely was closed
  // by its server while idle: not the server's failure.
  if (result == Attempt::failed_unsent && reused_) result = Attempt::stale_connection;
  if (result != Attempt::done) co_return result;
  ex_.upstream_response_ms = ms_since(sent);

  result = co_await relay_response();
  if (result != Attempt::done) co_return result;
  ex_.upstream_ms = ms_since(sent);
  cluster_.duration_histogram().observe(ex_.upstream_ms / 1000.0);
  co_return Attempt::done;
}

asio::awaitable<Attempt> UpstreamAttempt::connect() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(server_.address, ec);
  if (ec) co_return Attempt::connect_failed;
  ex_.watch.arm(socket(), SteadyClock::now() + config_.connect_timeout);
  auto [connect_ec] =
      co_await socket().async_connect(tcp::endpoint(address, server_.endpoint.port), use_nothrow);
  ex_.watch.disarm();
  if (connect_ec) co_return ex_.watch.fired() ? Attempt::connect_timeout : Attempt::connect_failed;
  socket().set_option(tcp::no_delay(true), ec);
  // Room for a head and a full body chunk: a typical response is one read.
  connection_->buffer().reserve(kReadSize + 4096);
  co_return Attempt::done;
}

asio::awaitable<Attempt> UpstreamAttempt::send_request() {
  const auto& req = ex_.parser.get();
  const auto& limits = ex_.runtime.config().server.limits;
  const bool has_body = request_has_body(ex_.parser);

  // Framing is re-derived here, never copied from the client's bytes.
  const BodyFraming framing = ex_.parser.chunked() ? BodyFraming::chunked
                              : has_body           ? BodyFraming::length
                                                   : BodyFraming::none;
  std::string& head = ex_.head_buffer;
  head.clear();
  append_request_head(req.base(), head);
  head += ex_.forwarding_lines;
  append_framing(head, framing, has_body ? ex_.parser.content_length().value_or(0) : 0,
                 /*close_connection=*/false, /*http10_keep_alive=*/false);

  if (has_body && ex_.expects_continue && !continue_sent_) {
    // We stripped Expect upstream, so invite the body ourselves.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    ex_.watch.arm(ex_.client, SteadyClock::now() + limits.idle_timeout);
    auto [ec, n] = co_await asio::async_write(ex_.client, asio::buffer(kContinue), use_nothrow);
    ex_.watch.disarm();
    if (ec) co_return Attempt::client_failed;
    continue_sent_ = true;
  }

  BodyReader reader(ex_.client, ex_.client_buffer, ex_.request_body, ex_.watch,
                    {limits.idle_timeout, limits.header_timeout});
  BodyPiece piece{head};
  for (;;) {
    piece.size = 0;
    if (!ex_.request_body.done()) {
      body_started_ = true;
      const BodyRead got = co_await reader.read(body_space());
      if (got.error != BodyReadError::none) {
        client_error_ = got.error;
        co_return Attempt::client_failed;
      }
      piece.data = body_.data();
      piece.size = got.size;
    }
    piece.last = ex_.request_body.done();
    if (piece.size != 0 || piece.last || !piece.head.empty()) {
      ex_.watch.arm(socket(), SteadyClock::now() + config_.timeout);
      auto [ec, n] = co_await write_body_piece(socket(), framing, piece);
      ex_.watch.disarm();
      if (ec) co_return Attempt::failed_unsent;
      piece.head = {};
      connection_->request_started();
    }
    if (piece.last) co_return Attempt::done;
  }
}

asio::awaitable<Attempt> UpstreamAttempt::read_response_head(SteadyTime sent) {
  const auto timeout = ex_.ctx.route->config().timeout.count() > 0 ? ex_.ctx.route->config().timeout
                                                                   : config_.timeout;
  for (;;) {
    response_.emplace();
    response_->header_limit(kUpstreamHeaderLimit);
    response_->body_limit(boost::none);
    if (ex_.head_request) response_->skip(true);
    const Attempt head = co_await read_one_head(sent + timeout);
    if (head != Attempt::done) co_return head;
    const unsigned status = response_->get().result_int();
    if (status == 101) co_return Attempt::bad_response;  // upgrades are not supported yet
    if (status >= 100 && status < 200) {
      // Interim responses (100 Continue, 103 Early Hints) are not relayed;
      // one that announces a body leaves the stream in doubt.
      interim_seen_ = true;
      if (!centinela::http::response_framing(head_facts(*response_, ex_.head_request)).reusable) {
        unclean_ = true;
      }
      continue;
    }
    response_started_ = true;
    co_return Attempt::done;
  }
}

// Parses one head from the connection's buffer, reading as needed; the
// bytes after it stay in the buffer.
asio::awaitable<Attempt> UpstreamAttempt::read_one_head(SteadyTime deadline) {
  auto& buffer = connection_->buffer();
  std::size_t parsed = 0;
  for (;;) {
    if (buffer.size() != 0) {
      beast::error_code ec;
      const std::size_t used = response_->put(buffer.data(), ec);
      buffer.consume(used);
      parsed += used;
      if (response_->is_header_done()) {
        head_bytes_ = parsed;
        co_return Attempt::done;
      }
      // Beast refuses a head over the header limit, so the buffer stays bounded.
      if (ec && ec != http::error::need_more) co_return Attempt::bad_response;
    }
    ex_.watch.arm(socket(), deadline);
    auto [ec, n] = co_await connection_->read_some(kReadSize);
    ex_.watch.disarm();
    if (connection_->heard_early()) co_return Attempt::stale_connection;
    if (ec) {
      if (ex_.watch.fired()) co_return Attempt::response_timeout;
      if (buffer.size() == 0 && parsed == 0 && !interim_seen_ && is_disconnect(ec)) {
        co_return Attempt::failed_unsent;
      }
      co_return Attempt::bad_response;
    }
  }
}

centinela::http::BodyLimits UpstreamAttempt::response_body_limits() const {
  centinela::http::BodyLimits limits;  // no max_body: responses are streamed, not held
  limits.max_chunk_extensions = ex_.runtime.config().server.limits.max_chunk_extension_bytes;
  // As on requests, the trailers count against the head's limit.
  limits.max_trailers =
      kUpstreamHeaderLimit - std::min<std::size_t>(head_bytes_, kUpstreamHeaderLimit);
  return limits;
}

asio::awaitable<Attempt> UpstreamAttempt::relay_response() {
  auto& res = response_->get();
  const centinela::http::ResponseFraming body =
      centinela::http::response_framing(head_facts(*response_, ex_.head_request));
  centinela::http::BodyDecoder decoder(body.framing, body.length, response_body_limits());
  BodyReader reader(socket(), connection_->buffer(), decoder, ex_.watch,
                    {config_.timeout, config_.timeout});

  // The first piece is read before anything reaches the client, the tap or
  // the filters: a body broken from its start is still a clean 502.
  BodyPiece piece;
  if (!decoder.done()) {
    const BodyRead first = co_await reader.read(body_space());
    if (first.error == BodyReadError::idle_timeout || first.error == BodyReadError::line_timeout) {
      co_return Attempt::response_timeout;
    }
    if (first.error != BodyReadError::none) co_return Attempt::bad_response;
    piece.data = body_.data();
    piece.size = first.size;
  }

  std::optional<std::uint64_t> length;
  if (auto declared = response_->content_length()) length = *declared;
  proxy::prepare_client_response(res.base(), ex_.ctx.request_id);
  const bool swallow = ex_.tap != nullptr &&
                       ex_.tap->on_head(res.base(), length) == ResponseTap::HeadAction::swallow;
  CompressionStage compression;
  BodyFraming framing = BodyFraming::none;
  if (!swallow) {
    framing =
        prepare_client_head(body.framing != centinela::http::Framing::none, length, compression);
    piece.head = ex_.head_buffer;
  }
  co_await relay_body(reader, decoder, piece, swallow, compression, framing);

  cluster_.record_success(server_index());
  // Pooled only when the stream is provably clean: the body ended by its own
  // framing, nothing follows it, and nothing earlier cast doubt on it.
  if (body.reusable && !unclean_ && decoder.done() && connection_->buffer().size() == 0) {
    ex_.worker.pool().give_back(server_.endpoint.text, std::move(connection_),
                                config_.max_idle_per_worker, config_.idle_timeout);
  }
  co_return Attempt::done;
}

BodyFraming UpstreamAttempt::prepare_client_head(bool has_body, std::optional<std::uint64_t> length,
                                                 CompressionStage& compression) {
  auto& res = response_->get();
  const auto& compression_policy = ex_.ctx.route->config().compression;
  if (compression_policy.enabled &&
      compression.begin(compression_policy, ex_.accept_encoding, res.base(), length)) {
    length.reset();  // the compressed length is known only at the end
  }
  run_response_filters(ex_, res.base());

  BodyFraming framing = BodyFraming::none;
  if (has_body) {
    if (length) {
      framing = BodyFraming::length;
    } else if (ex_.client_version >= 11) {
      framing = BodyFraming::chunked;
    } else {
      framing = BodyFraming::close;
      ex_.close_connection = true;  // HTTP/1.0: the end of the body is the close
    }
  }
  const bool keep_alive = ex_.client_keep_alive && !ex_.close_connection && !ex_.worker.draining();
  if (!keep_alive) ex_.close_connection = true;
  ex_.status = res.result_int();

  std::string& head = ex_.head_buffer;
  head.clear();
  append_response_head(res.base(), ex_.client_version, &ex_.ctx.route->static_headers(), head);
  append_context_headers(ex_, head);
  // HEAD (and 304): a length describes the body a GET would get.
  const BodyFraming announced =
      framing == BodyFraming::none && length ? BodyFraming::length : framing;
  append_framing(head, announced, length.value_or(0), !keep_alive,
                 keep_alive && ex_.client_version < 11);
  return framing;
}

// Relays the body from `piece` on (or, for a swallowing tap, only reads it).
asio::awaitable<void> UpstreamAttempt::relay_body(BodyReader& reader,
                                                  const centinela::http::BodyDecoder& decoder,
                                                  BodyPiece piece, bool swallow,
                                                  CompressionStage& compression,
                                                  BodyFraming framing) {
  bool tap_ended = false;
  for (bool first = true;; first = false) {
    if (!first) {
      piece.size = 0;
      const BodyRead got = co_await reader.read(body_space());
      if (got.error != BodyReadError::none) {
        // The body broke off: the client cannot be told but by closing.
        if (!swallow) ex_.close_connection = true;
        break;
      }
      piece.data = body_.data();
      piece.size = got.size;
    }
    if (ex_.tap != nullptr && piece.size != 0) ex_.tap->on_body({piece.data, piece.size});
    piece.last = decoder.done();
    if (piece.last && ex_.tap != nullptr) {
      // Complete: the cache stores it before the client has the last byte,
      // so the client's next request already finds it.
      ex_.tap->on_end(true);
      tap_ended = true;
    }
    if (!swallow) {
      if (compression.active() && framing != BodyFraming::none) {
        if (!compression.transform({piece.data, piece.size}, piece.last, compressed_)) {
          ex_.close_connection = true;
          break;
        }
        piece.data = compressed_.data();
        piece.size = compressed_.size();
      }
      if (piece.size != 0 || piece.last || !piece.head.empty()) {
        ex_.watch.arm(ex_.client,
                      SteadyClock::now() + ex_.runtime.config().server.limits.idle_timeout);
        auto [ec, n] = co_await write_body_piece(ex_.client, framing, piece);
        ex_.watch.disarm();
        ex_.bytes_sent += n;
        if (ec) {
          ex_.close_connection = true;
          break;
        }
        piece.head = {};
      }
    }
    if (piece.last) break;
  }
  if (ex_.tap != nullptr && !tap_ended) ex_.tap->on_end(false);
}

}  // namespace centinela::net
