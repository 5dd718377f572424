// Forwarding one request to an upstream cluster: pick a server, reuse or open a
// connection, stream the request, read the response head, stream the response
// back. Retries idempotent, body-less requests on another server when a
// connection fails before any byte of the response came back.
#include <array>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <optional>

#include "net/body_writer.h"
#include "net/compression_stage.h"
#include "net/deadline.h"
#include "net/exchange.h"
#include "net/response_tap.h"
#include "net/worker.h"
#include "observe/metrics.h"
#include "proxy/forward_headers.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"
#include "security/client_ip.h"
#include "security/trace_context.h"

namespace centinela::net {
namespace {

using ResponseParser = http::response_parser<http::buffer_body>;
constexpr std::size_t kBodyChunk = ChunkPool::kChunkSize;
constexpr std::uint32_t kUpstreamHeaderLimit = 64 * 1024;

// How an attempt on one upstream server went.
enum class Attempt {
  done,            // a response was relayed (or the client went away meanwhile)
  connect_failed,  // nothing was sent: safe to try elsewhere
  connect_timeout,
  failed_unsent,     // connection broke before any response byte: retry if idempotent
  response_timeout,  // the server took too long to answer
  bad_response,      // the server answered with something that is not HTTP
  client_failed,     // the client broke off or sent a bad body: stop
};

double ms_since(SteadyTime t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

bool is_idempotent(http::verb method) {
  switch (method) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
    case http::verb::put:
    case http::verb::delete_:
      return true;
    default:
      return false;
  }
}

bool request_has_body(const RequestParser& parser) {
  if (parser.chunked()) return true;
  const auto length = parser.content_length();
  return length && *length > 0;
}

bool response_has_body(unsigned status, bool head_request) {
  return !head_request && status >= 200 && status != 204 && status != 304;
}

class UpstreamAttempt {
 public:
  UpstreamAttempt(Exchange& ex, proxy::UpstreamCluster& cluster, std::size_t server_index)
      : ex_(ex),
        cluster_(cluster),
        server_(cluster.server(server_index)),
        config_(cluster.config()),
        connection_(ex.worker.io()),
        body_(ex.worker.chunks().take()) {}

  asio::awaitable<Attempt> run(bool may_reuse) {
    const SteadyTime begin = SteadyClock::now();
    bool reused = false;
    if (may_reuse) {
      if (auto idle = ex_.worker.pool().take(server_.endpoint.text, config_.idle_timeout)) {
        connection_ = std::move(*idle);
        reused = true;
      }
    }
    if (!reused) {
      const Attempt connected = co_await connect();
      if (connected != Attempt::done) co_return connected;
    }
    ex_.upstream_connect_ms = ms_since(begin);

    const SteadyTime sent = SteadyClock::now();
    const Attempt sent_result = co_await send_request();
    if (sent_result != Attempt::done) co_return sent_result;

    const Attempt head = co_await read_response_head(sent);
    if (head != Attempt::done) co_return head;
    ex_.upstream_response_ms = ms_since(sent);

    co_await relay_response();
    ex_.upstream_ms = ms_since(sent);
    cluster_.duration_histogram().observe(ex_.upstream_ms / 1000.0);
    co_return Attempt::done;
  }

  // Whether the response head was read: after that, nothing may be retried.
  bool response_started() const { return response_started_; }
  bool request_body_started() const { return body_started_; }
  const beast::error_code& client_error() const { return client_error_; }

 private:
  asio::awaitable<Attempt> connect() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(server_.address, ec);
    if (ec) co_return Attempt::connect_failed;
    ex_.watch.arm(socket_, SteadyClock::now() + config_.connect_timeout);
    auto [connect_ec] =
        co_await socket_.async_connect(tcp::endpoint(address, server_.endpoint.port), use_nothrow);
    ex_.watch.disarm();
    if (connect_ec) {
      co_return ex_.watch.fired() ? Attempt::connect_timeout : Attempt::connect_failed;
    }
    socket_.set_option(tcp::no_delay(true), ec);
    // Beast reads at most the buffer's free capacity: room for a head and a
    // full body chunk makes a typical response one read instead of dozens.
    upstream_buffer_.reserve(kBodyChunk + 4096);
    co_return Attempt::done;
  }

  asio::awaitable<Attempt> send_request() {
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

    BodyPiece piece{head};
    for (;;) {
      piece.size = 0;
      if (!ex_.parser.is_done()) {
        body_started_ = true;
        auto& body = ex_.parser.get().body();
        body.data = body_.data();
        body.size = body_.size();
        ex_.watch.arm(ex_.client, SteadyClock::now() + limits.idle_timeout);
        auto [ec, n] =
            co_await http::async_read_some(ex_.client, ex_.client_buffer, ex_.parser, use_nothrow);
        ex_.watch.disarm();
        if (ec == http::error::need_buffer) ec = {};
        if (ec) {
          client_error_ = ec;
          co_return Attempt::client_failed;
        }
        piece.data = body_.data();
        piece.size = body_.size() - body.size;
      }
      piece.last = ex_.parser.is_done();
      if (piece.size != 0 || piece.last || !piece.head.empty()) {
        ex_.watch.arm(socket_, SteadyClock::now() + config_.timeout);
        auto [ec, n] = co_await write_body_piece(socket_, framing, piece);
        ex_.watch.disarm();
        if (ec) co_return Attempt::failed_unsent;
        piece.head = {};
      }
      if (piece.last) co_return Attempt::done;
    }
  }

  asio::awaitable<Attempt> read_response_head(SteadyTime sent) {
    const auto timeout = ex_.ctx.route->config().timeout.count() > 0
                             ? ex_.ctx.route->config().timeout
                             : config_.timeout;
    for (;;) {
      response_.emplace();
      response_->header_limit(kUpstreamHeaderLimit);
      response_->body_limit(boost::none);
      if (ex_.head_request) response_->skip(true);
      ex_.watch.arm(socket_, sent + timeout);
      auto [ec, n] =
          co_await http::async_read_header(socket_, upstream_buffer_, *response_, use_nothrow);
      ex_.watch.disarm();
      if (ec) {
        if (ex_.watch.fired()) co_return Attempt::response_timeout;
        if (upstream_buffer_.size() == 0 &&
            (ec == http::error::end_of_stream || ec == asio::error::eof ||
             ec == asio::error::connection_reset || ec == asio::error::broken_pipe)) {
          co_return Attempt::failed_unsent;
        }
        co_return Attempt::bad_response;
      }
      const unsigned status = response_->get().result_int();
      // Interim responses (100 Continue, 103 Early Hints) are not relayed.
      if (status >= 100 && status < 200 && status != 101) continue;
      if (status == 101) co_return Attempt::bad_response;  // upgrades are not supported yet
      response_started_ = true;
      co_return Attempt::done;
    }
  }

  asio::awaitable<void> relay_response() {
    auto& res = response_->get();
    const auto& limits = ex_.runtime.config().server.limits;
    const bool upstream_keep_alive = res.keep_alive();
    const bool has_body = response_has_body(res.result_int(), ex_.head_request);
    std::optional<std::uint64_t> length;
    if (auto declared = response_->content_length()) length = *declared;
    ex_.upstream_status = res.result_int();

    proxy::prepare_client_response(res.base(), ex_.ctx.request_id);
    if (ex_.tap != nullptr &&
        ex_.tap->on_head(res.base(), length) == ResponseTap::HeadAction::swallow) {
      co_await swallow_response(has_body, upstream_keep_alive);
      co_return;
    }
    CompressionStage compression;
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
    const bool keep_alive =
        ex_.client_keep_alive && !ex_.close_connection && !ex_.worker.draining();
    if (!keep_alive) ex_.close_connection = true;
    ex_.status = res.result_int();

    std::string& head = ex_.head_buffer;
    head.clear();
    append_response_head(res.base(), ex_.client_version, &ex_.ctx.route->static_headers(), head);
    append_context_headers(ex_, head);
    if (framing == BodyFraming::none && length) {
      // HEAD (and 304): the length describes the body a GET would get.
      append_framing(head, BodyFraming::length, *length, !keep_alive,
                     keep_alive && ex_.client_version < 11);
    } else {
      append_framing(head, framing, length.value_or(0), !keep_alive,
                     keep_alive && ex_.client_version < 11);
    }

    bool upstream_clean = true;
    bool tap_ended = false;
    BodyPiece piece{head};
    for (;;) {
      piece.size = 0;
      if (has_body && !response_->is_done()) {
        auto& body = res.body();
        body.data = body_.data();
        body.size = body_.size();
        ex_.watch.arm(socket_, SteadyClock::now() + config_.timeout);
        auto [ec, n] =
            co_await http::async_read_some(socket_, upstream_buffer_, *response_, use_nothrow);
        ex_.watch.disarm();
        if (ec == http::error::need_buffer) ec = {};
        if (ec) {
          // The body broke off: the client cannot be told but by closing.
          upstream_clean = false;
          ex_.close_connection = true;
          break;
        }
        piece.data = body_.data();
        piece.size = body_.size() - body.size;
        if (ex_.tap != nullptr && piece.size != 0) ex_.tap->on_body({piece.data, piece.size});
      }
      piece.last = !has_body || response_->is_done();
      if (piece.last && ex_.tap != nullptr && !tap_ended) {
        // Complete: the cache stores it before the client has the last byte,
        // so the client's next request already finds it.
        ex_.tap->on_end(true);
        tap_ended = true;
      }
      if (compression.active() && has_body) {
        if (!compression.transform({piece.data, piece.size}, piece.last, compressed_)) {
          upstream_clean = false;
          ex_.close_connection = true;
          break;
        }
        piece.data = compressed_.data();
        piece.size = compressed_.size();
      }
      if (piece.size != 0 || piece.last || !piece.head.empty()) {
        ex_.watch.arm(ex_.client, SteadyClock::now() + limits.idle_timeout);
        auto [ec, n] = co_await write_body_piece(ex_.client, framing, piece);
        ex_.watch.disarm();
        ex_.bytes_sent += n;
        if (ec) {
          ex_.close_connection = true;
          upstream_clean = response_->is_done();
          break;
        }
        piece.head = {};
      }
      if (piece.last) break;
    }

    if (ex_.tap != nullptr && !tap_ended) ex_.tap->on_end(false);
    cluster_.record_success(server_index());
    if (upstream_clean && upstream_keep_alive && response_->is_done() &&
        upstream_buffer_.size() == 0) {
      ex_.worker.pool().give_back(server_.endpoint.text, std::move(connection_),
                                  config_.max_idle_per_worker);
    }
  }

  // Reads a response the client will not see (the tap took it) to its end,
  // so the connection can serve the next request.
  asio::awaitable<void> swallow_response(bool has_body, bool upstream_keep_alive) {
    auto& res = response_->get();
    bool clean = true;
    while (has_body && !response_->is_done()) {
      auto& body = res.body();
      body.data = body_.data();
      body.size = body_.size();
      ex_.watch.arm(socket_, SteadyClock::now() + config_.timeout);
      auto [ec, n] =
          co_await http::async_read_some(socket_, upstream_buffer_, *response_, use_nothrow);
      ex_.watch.disarm();
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        clean = false;
        break;
      }
      const std::size_t size = body_.size() - body.size;
      if (size != 0) ex_.tap->on_body({body_.data(), size});
    }
    ex_.tap->on_end(clean);
    cluster_.record_success(server_index());
    if (clean && upstream_keep_alive && upstream_buffer_.size() == 0) {
      ex_.worker.pool().give_back(server_.endpoint.text, std::move(connection_),
                                  config_.max_idle_per_worker);
    }
  }

  std::size_t server_index() const { return &server_ - &cluster_.server(0); }

  Exchange& ex_;
  proxy::UpstreamCluster& cluster_;
  proxy::UpstreamServer& server_;
  const config::UpstreamConfig& config_;
  UpstreamConnection connection_;
  tcp::socket& socket_ = connection_.socket;
  beast::flat_buffer& upstream_buffer_ = connection_.buffer;
  std::optional<ResponseParser> response_;
  ChunkPool::Lease body_;
  std::string compressed_;  // output of the compression stage, per piece
  bool response_started_ = false;
  bool body_started_ = false;
  bool continue_sent_ = false;
  beast::error_code client_error_;
};

// Counts a request as in flight on a server for least-requests balancing.
class InFlight {
 public:
  explicit InFlight(proxy::UpstreamServer& server) : server_(server) {
    server_.in_flight.fetch_add(1, std::memory_order_relaxed);
  }
  ~InFlight() { server_.in_flight.fetch_sub(1, std::memory_order_relaxed); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  proxy::UpstreamServer& server_;
};

}  // namespace

asio::awaitable<void> forward_upstream(Exchange& ex) {
  const UpstreamOutcome outcome = co_await fetch_upstream(ex);
  if (!outcome.answered) co_await send_error(ex, outcome.error_status, outcome.error_message);
}

asio::awaitable<UpstreamOutcome> fetch_upstream(Exchange& ex) {
  auto& cluster = ex.ctx.route->upstream();
  const auto& upstream_config = cluster.config();
  ex.upstream_name = cluster.name();

  const std::string traceparent = security::format_traceparent(ex.ctx.trace);
  proxy::ForwardingInfo info;
  // The connecting peer (not the resolved client) is the hop this proxy adds.
  info.peer_ip = ex.ctx.peer_ip;
  info.peer_is_trusted = ex.ctx.peer_is_trusted_proxy;
  info.request_id = ex.ctx.request_id;
  info.traceparent = traceparent;
  info.host_override = upstream_config.host;
  auto& req = ex.parser.get();
  std::string forwarding_lines;
  proxy::prepare_upstream_request(req.base(), info, forwarding_lines);
  ex.forwarding_lines = forwarding_lines;
  req.erase(http::field::expect);
  if (ex.ctx.route->config().compression.enabled) {
    // The gateway compresses for its clients; the upstream sends identity, so
    // the cache keeps one representation and every coding is made from it.
    if (auto accept = req.find(http::field::accept_encoding); accept != req.end()) {
      ex.accept_encoding = accept->value();
      req.erase(http::field::accept_encoding);
    }
  }

  const bool retriable = is_idempotent(req.method()) && !request_has_body(ex.parser);
  const unsigned max_attempts = 1 + (retriable ? upstream_config.retries : 0);
  std::uint64_t tried = 0;
  unsigned attempts = 0;
  Attempt last = Attempt::connect_failed;

  while (attempts < max_attempts) {
    const int index = cluster.pick(tried, SteadyClock::now());
    if (index < 0) break;
    tried |= std::uint64_t{1} << (static_cast<unsigned>(index) % 64);
    ++attempts;

    auto& server = cluster.server(static_cast<std::size_t>(index));
    InFlight in_flight(server);
    UpstreamAttempt attempt(ex, cluster, static_cast<std::size_t>(index));
    // A retry opens a fresh connection: the pooled one may be the problem.
    last = co_await attempt.run(/*may_reuse=*/attempts == 1);
    if (last == Attempt::done) co_return UpstreamOutcome{};
    if (last == Attempt::client_failed) {
      ex.close_connection = true;
      const auto& client_error = attempt.client_error();
      if (attempt.response_started()) {
        // Too late to answer; closing is all that is left.
      } else if (client_error == http::error::body_limit) {
        co_await send_error(ex, 413, "request body too large");
      } else if (client_error.category() ==
                 http::make_error_code(http::error::bad_chunk).category()) {
        co_await send_error(ex, 400, "malformed request body");
      } else if (ex.status == 0) {
        ex.status = 400;  // the client broke off; nobody is left to answer
      }
      co_return UpstreamOutcome{};
    }
    cluster.record_failure(static_cast<std::size_t>(index), SteadyClock::now());
    if (attempt.response_started() || attempt.request_body_started()) break;
    if (last == Attempt::response_timeout) break;  // it may still be working on it
  }

  if (attempts == 0) co_return UpstreamOutcome{false, 503, "no healthy upstream server"};
  switch (last) {
    case Attempt::connect_timeout:
    case Attempt::response_timeout:
      co_return UpstreamOutcome{false, 504, "upstream timed out"};
    default:
      co_return UpstreamOutcome{false, 502, "upstream failed to answer"};
  }
}

}  // namespace centinela::net
