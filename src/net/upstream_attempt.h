// One try of a request on one upstream server: reuse a pooled connection or
// open one, stream the request, read the response head, relay the body (or
// let a tap swallow it), and give the connection back only when its stream is
// provably clean. fetch_upstream (upstream_exchange.cpp) decides what to try.
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/body_reader.h"
#include "net/chunk_pool.h"
#include "net/exchange.h"
#include "net/head_writer.h"
#include "net/upstream_connection.h"

namespace centinela::config {
struct UpstreamConfig;
}

namespace centinela::proxy {
class UpstreamCluster;
struct UpstreamServer;
}  // namespace centinela::proxy

namespace centinela::net {

class CompressionStage;
struct BodyPiece;

// How an attempt on one upstream server went.
enum class Attempt {
  done,            // a response was relayed (or the client went away meanwhile)
  connect_failed,  // nothing was sent: safe to try elsewhere
  connect_timeout,
  failed_unsent,     // connection broke before any response byte: retry if idempotent
  stale_connection,  // a reused connection was closed, or spoke, before our request
  response_timeout,  // the server took too long to answer
  bad_response,      // the server answered with something that is not HTTP
  client_failed,     // the client broke off or sent a bad body: stop
};

class UpstreamAttempt {
 public:
  UpstreamAttempt(Exchange& ex, proxy::UpstreamCluster& cluster, std::size_t server_index);

  asio::awaitable<Attempt> run(bool may_reuse);

  // Whether the response head was read: after that, nothing may be retried.
  bool response_started() const { return response_started_; }
  bool request_body_started() const { return body_started_; }
  BodyReadError client_error() const { return client_error_; }

 private:
  using ResponseParser = http::response_parser<http::buffer_body>;

  asio::awaitable<Attempt> connect();
  asio::awaitable<Attempt> send_request();
  asio::awaitable<Attempt> read_response_head(SteadyTime sent);
  asio::awaitable<Attempt> read_one_head(SteadyTime deadline);
  asio::awaitable<Attempt> relay_response();
  BodyFraming prepare_client_head(bool has_body, std::optional<std::uint64_t> length,
                                  CompressionStage& compression);
  asio::awaitable<void> relay_body(BodyReader& reader, const centinela::http::BodyDecoder& decoder,
                                   BodyPiece piece, bool swallow, CompressionStage& compression,
                                   BodyFraming framing);
  centinela::http::BodyLimits response_body_limits() const;
  std::span<char> body_space() const { return {body_.data(), body_.size()}; }
  tcp::socket& socket() { return connection_->socket(); }
  std::size_t server_index() const;

  Exchange& ex_;
  proxy::UpstreamCluster& cluster_;
  proxy::UpstreamServer& server_;
  const config::UpstreamConfig& config_;
  std::unique_ptr<UpstreamConnection> connection_;
  std::optional<ResponseParser> response_;
  ChunkPool::Lease body_;
  std::string compressed_;      // output of the compression stage, per piece
  std::size_t head_bytes_ = 0;  // of the final response head, for the trailer bound
  bool reused_ = false;
  bool interim_seen_ = false;
  bool unclean_ = false;  // something already rules out reusing the connection
  bool response_started_ = false;
  bool body_started_ = false;
  bool continue_sent_ = false;
  BodyReadError client_error_ = BodyReadError::none;
};

}  // namespace centinela::net
