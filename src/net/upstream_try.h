// One try of a request on one upstream server, for the pipeline: reuse a
// pooled connection or open one, write the request head with the body read
// from the client as it goes, read the response head (1xx skipped) and its
// first body piece, present the head to the pipeline's sink as a
// stage::Response, then relay the body into the sink, or drain it when the
// response was replaced, or drop the connection when the client is gone. The
// connection goes back to the pool only when its stream is provably clean.
// UpstreamClient (upstream_client.h) decides what to try.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "http/head_writer.h"
#include "http/response_framing.h"
#include "http/response_head.h"
#include "net/body_reader.h"
#include "net/chunk_pool.h"
#include "net/upstream_connection.h"
#include "stage/upstream.h"

namespace centinela::proxy {
class UpstreamCluster;
struct UpstreamServer;
}  // namespace centinela::proxy

namespace centinela::tls {
class ClientContext;
}

namespace centinela::net {

class DeadlineWatch;
class Worker;

namespace http = beast::http;

// How a try on one upstream server went.
enum class TryOutcome {
  done,             // a response reached the sink (or the client went away meanwhile)
  connect_failed,   // nothing was sent: safe to try elsewhere
  connect_refused,  // the same, the server's port being closed
  connect_timeout,
  failed_unsent,     // connection broke before any response byte: retry if idempotent
  stale_connection,  // a reused connection was closed, or spoke, before our request
  response_timeout,  // the server took too long to answer
  bad_response,      // the server answered with something that is not HTTP
  client_failed,     // the client broke off or sent a bad body: stop
};

// For the access log: -1 where a step did not happen.
struct UpstreamTimings {
  // forward() called and returned: the upstream call's span (tracing);
  // the clock's epoch when the upstream was not called.
  SteadyTime began{}, ended{};
  double connect_ms = -1;   // connection taken from the pool or opened
  double response_ms = -1;  // request sent → response head read
  double total_ms = -1;     // request sent → response body ended
};

// For the access log: what the exchange with the upstream came to.
struct UpstreamReport {
  const proxy::UpstreamServer* server = nullptr;  // of the last try
  unsigned status = 0;                            // the final status the server answered; 0: none
  std::string_view error;  // why the gateway answered instead; empty: it did not
};

// What every try of one request shares.
struct TryPlan {
  Worker& worker;
  proxy::UpstreamCluster& cluster;
  DeadlineWatch& watch;
  stage::RequestContext& ctx;
  stage::RequestBody& body;
  std::string_view head;                 // the request head, framing lines and blank line included
  centinela::http::BodyFraming framing;  // of the request body sent upstream
  std::chrono::milliseconds response_timeout;
  std::uint64_t max_chunk_extensions;
  UpstreamTimings& timings;
  // Where a connection whose upstream accepted a WebSocket handshake (101)
  // goes: out of the try and never into the pool, for the tunnel.
  std::unique_ptr<UpstreamConnection>& upgraded;
  UpstreamReport& report;
};

class UpstreamTry {
 public:
  UpstreamTry(TryPlan& plan, std::size_t server_index);

  // The try itself; its outcome goes through settle() before it is used.
  asio::awaitable<TryOutcome> run(bool may_reuse, stage::ResponseSink& sink);
  // Counts the try in its server's metrics and returns what `outcome` (run's)
  // comes to: a client that left meanwhile makes it client_failed.
  TryOutcome settle(TryOutcome outcome);

  // Whether the response head was read: after that, nothing may be retried.
  bool response_started() const { return response_started_; }
  // Why the client's body could not be read (after TryOutcome::client_failed).
  const stage::BodyRead& client_error() const { return client_error_; }

 private:
  asio::awaitable<TryOutcome> connect();
  asio::awaitable<TryOutcome> handshake(tls::ClientContext& context, SteadyTime deadline);
  std::optional<TryOutcome> send_at_once();
  asio::awaitable<TryOutcome> send_request();
  // A pooled connection (true), or a new one to connect.
  bool take_pooled(bool may_reuse, SteadyTime now);
  TryOutcome after_head_read(const boost::system::error_code& ec);
  TryOutcome take_head();
  void record_total(SteadyTime sent);
  std::optional<TryOutcome> parse_head(beast::flat_buffer& buffer);
  bool parse_final_fields(std::string_view block);
  asio::awaitable<TryOutcome> relay_response(stage::ResponseSink& sink);
  void release_connection(bool relayed, bool clean);
  asio::awaitable<bool> drain_body(BodyReader& reader, const centinela::http::BodyDecoder& decoder);
  void present(const centinela::http::ResponseFraming& framing, stage::Response& response);
  centinela::http::BodyLimits response_body_limits() const;
  std::span<char> body_space();
  tcp::socket& socket() { return connection_->socket(); }
  TlsStream* tls() { return connection_->tls(); }
  std::size_t server_index() const;

  TryPlan& plan_;
  proxy::UpstreamServer& server_;
  std::unique_ptr<UpstreamConnection> connection_;
  // The last head read: views into its copy in the request's arena.
  centinela::http::ResponseHead head_;
  // Taken on first use: a request body's pieces, or a chunked response's.
  std::optional<ChunkPool::Lease> body_;
  std::string trailers_;              // the response's relayed trailer fields; empty without any
  std::size_t head_bytes_ = 0;        // of the final response head, for the trailer bound
  std::uint64_t bytes_sent_ = 0;      // to the server, for its metrics
  std::size_t head_sent_ = 0;         // of the request head, by send_at_once()
  std::uint64_t bytes_received_ = 0;  // from the server: heads, then the body's wire bytes
  bool reused_ = false;
  bool interim_seen_ = false;
  bool unclean_ = false;  // something already rules out reusing the connection
  bool response_started_ = false;
  bool upgrade_accepted_ = false;  // a 101 to a WebSocket handshake
  stage::BodyRead client_error_;
};

}  // namespace centinela::net
