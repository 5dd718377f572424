// Forwarding one request to an upstream cluster: pick a server, try it
// (upstream_attempt.cpp), and on a failure before any response byte came back
// retry idempotent, body-less requests on another server.
#include <string>

#include "net/exchange.h"
#include "net/upstream_attempt.h"
#include "proxy/forward_headers.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"
#include "security/client_ip.h"
#include "security/trace_context.h"

namespace centinela::net {
namespace {

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

// The request as it goes upstream: forwarding fields rendered into
// `forwarding_lines` (ex.forwarding_lines points there), Expect dropped, and
// Accept-Encoding kept aside when the gateway compresses.
void prepare_forwarding(Exchange& ex, const config::UpstreamConfig& upstream,
                        std::string& forwarding_lines) {
  const std::string traceparent = security::format_traceparent(ex.ctx.trace);
  proxy::ForwardingInfo info;
  // The connecting peer (not the resolved client) is the hop this proxy adds.
  info.peer_ip = ex.ctx.peer_ip;
  info.peer_is_trusted = ex.ctx.peer_is_trusted_proxy;
  info.request_id = ex.ctx.request_id;
  info.traceparent = traceparent;
  info.host_override = upstream.host;
  auto& req = ex.parser.get();
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
}

// The client's request body could not be read: answer what can still be
// answered, and close.
asio::awaitable<void> answer_client_failure(Exchange& ex, const UpstreamAttempt& attempt) {
  ex.close_connection = true;
  if (attempt.response_started()) co_return;  // too late to answer; closing is all that is left
  switch (attempt.client_error()) {
    case BodyReadError::framing:
      if (ex.request_body.error() == centinela::http::BodyError::body_too_large) {
        co_await send_error(ex, 413, "request body too large");
      } else {
        const std::string message = "malformed request body: " +
                                    std::string(centinela::http::describe(ex.request_body.error()));
        co_await send_error(ex, 400, message);
      }
      co_return;
    case BodyReadError::line_timeout:
      co_await send_error(ex, 400, "malformed request body: a chunked framing line did not end");
      co_return;
    default:
      if (ex.status == 0) ex.status = 400;  // the client broke off; nobody is left to answer
  }
}

}  // namespace

asio::awaitable<void> forward_upstream(Exchange& ex) {
  const UpstreamOutcome outcome = co_await fetch_upstream(ex);
  if (!outcome.answered) co_await send_error(ex, outcome.error_status, outcome.error_message);
}

asio::awaitable<UpstreamOutcome> fetch_upstream(Exchange& ex) {
  auto& cluster = ex.ctx.route->upstream();
  const auto& upstream_config = cluster.config();
  ex.upstream_name = cluster.name();

  std::string forwarding_lines;
  prepare_forwarding(ex, upstream_config, forwarding_lines);
  auto& req = ex.parser.get();

  // Before any attempt, an unfinished body decoder means the request has one.
  const bool retriable = is_idempotent(req.method()) && ex.request_body.done();
  const unsigned max_attempts = 1 + (retriable ? upstream_config.retries : 0);
  std::uint64_t tried = 0;
  unsigned attempts = 0;
  Attempt last = Attempt::connect_failed;
  std::size_t index = 0;
  bool stale_retry_left = retriable;

  for (bool same_server = false; same_server || attempts < max_attempts;) {
    if (!same_server) {
      const int picked = cluster.pick(tried, SteadyClock::now());
      if (picked < 0) break;
      index = static_cast<std::size_t>(picked);
      tried |= std::uint64_t{1} << (index % 64);
      ++attempts;
    }
    // A retry opens a fresh connection: the pooled one may be the problem.
    const bool may_reuse = attempts == 1 && !same_server;
    same_server = false;
    InFlight in_flight(cluster.server(index));
    UpstreamAttempt attempt(ex, cluster, index);
    last = co_await attempt.run(may_reuse);
    if (last == Attempt::done) co_return UpstreamOutcome{};
    if (last == Attempt::client_failed) {
      co_await answer_client_failure(ex, attempt);
      co_return UpstreamOutcome{};
    }
    if (last == Attempt::stale_connection) {
      // A kept connection its server had closed (or spoiled) while idle says
      // nothing about the server: ask it again, once, on a new connection.
      if (stale_retry_left) {
        stale_retry_left = false;
        same_server = true;
        continue;
      }
      last = Attempt::failed_unsent;
    } else {
      cluster.record_failure(index, SteadyClock::now());
    }
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
