#include "net/upstream_client.h"

#include "net/deadline.h"
#include "proxy/forward_headers.h"
#include "proxy/upstream_cluster.h"
#include "proxy/websocket_upgrade.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

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

constexpr std::size_t kTraceparentLength = 55;  // "00-" 32 "-" 16 "-" 2

// "00-<trace id>-<span id>-<flags>" into `out`, without allocating.
std::string_view format_traceparent(const stage::TraceContext& trace,
                                    char (&out)[kTraceparentLength]) {
  constexpr char kHex[] = "0123456789abcdef";
  if (trace.trace_id.size() != 32 || trace.span_id.size() != 16) return {};
  char* at = out;
  *at++ = '0';
  *at++ = '0';
  *at++ = '-';
  at = std::copy(trace.trace_id.begin(), trace.trace_id.end(), at);
  *at++ = '-';
  // A traced request's upstream call is a span of its own: the origin's
  // spans hang under it.
  if (trace.upstream_span_id[0] != 0) {
    at = std::copy(trace.upstream_span_id.begin(), trace.upstream_span_id.end(), at);
  } else {
    at = std::copy(trace.span_id.begin(), trace.span_id.end(), at);
  }
  *at++ = '-';
  *at++ = kHex[trace.flags >> 4];
  *at++ = kHex[trace.flags & 0xf];
  return {out, kTraceparentLength};
}

// The answer for a client whose body could not be read: 0 when nobody is
// left to answer.
stage::ForwardResult client_failure(const stage::BodyRead& error, stage::Arena& arena) {
  using Kind = stage::ForwardResult::Kind;
  switch (error.error) {
    case stage::BodyError::too_large:
      return {Kind::client_failed, 413, "request body too large"};
    case stage::BodyError::malformed: {
      stage::ResponseFields text(arena);
      return {Kind::client_failed, 400, text.concat({"malformed request body: ", error.detail})};
    }
    default:
      return {Kind::client_failed, 0, {}};
  }
}

// The access log's `error`: why the last try left the gateway to answer.
std::string_view failure_reason(unsigned attempts, TryOutcome last) {
  if (attempts == 0) return "no_healthy_upstream";
  switch (last) {
    case TryOutcome::connect_refused:
      return "connect_refused";
    case TryOutcome::connect_timeout:
      return "connect_timeout";
    case TryOutcome::connect_failed:
      return "connect_failed";
    case TryOutcome::response_timeout:
      return "upstream_timeout";
    case TryOutcome::bad_response:
      return "bad_response";
    default:
      return "upstream_reset";  // the connection broke before any response
  }
}

stage::ForwardResult upstream_failure(unsigned attempts, TryOutcome last) {
  using Kind = stage::ForwardResult::Kind;
  if (attempts == 0) return {Kind::failed, 503, "no healthy upstream server"};
  switch (last) {
    case TryOutcome::connect_timeout:
    case TryOutcome::response_timeout:
      return {Kind::failed, 504, "upstream timed out"};
    default:
      return {Kind::failed, 502, "upstream failed to answer"};
  }
}

}  // namespace

UpstreamClient::UpstreamClient(Worker& worker, proxy::UpstreamCluster& cluster,
                               std::chrono::milliseconds route_timeout,
                               std::uint64_t max_chunk_extensions, DeadlineWatch& watch,
                               std::string& head)
    : worker_(worker),
      cluster_(cluster),
      route_timeout_(route_timeout),
      max_chunk_extensions_(max_chunk_extensions),
      watch_(watch),
      head_(head) {}

std::string_view UpstreamClient::name() const { return cluster_.name(); }

wire::BodyFraming UpstreamClient::render_head(const stage::RequestContext& ctx,
                                              const stage::RequestBody& body) {
  char traceparent[kTraceparentLength];
  proxy::ForwardingInfo info;
  // The connecting peer (not the resolved client) is the hop this proxy adds.
  info.peer_ip = ctx.peer_ip;
  info.peer_is_trusted = ctx.peer_is_trusted_proxy;
  info.proto = ctx.tls ? "https" : "http";
  info.request_id = ctx.request_id;
  info.traceparent = format_traceparent(ctx.trace, traceparent);
  info.host_override = cluster_.config().host;
  head_.clear();
  proxy::append_upstream_head(ctx.request, ctx.upstream, info, head_);
  // The client's Connection and Upgrade went with the hop-by-hop fields; a
  // handshake the route allows asks again, in the gateway's words.
  if (ctx.websocket) head_ += proxy::kUpgradeLines;
  // Framing is re-derived here, never copied from the client's bytes.
  const std::optional<std::uint64_t> length = body.length();
  const wire::BodyFraming framing = !body.present() ? wire::BodyFraming::none
                                    : length        ? wire::BodyFraming::length
                                                    : wire::BodyFraming::chunked;
  wire::append_framing(head_, framing, length.value_or(0), /*close_connection=*/false,
                       /*http10_keep_alive=*/false);
  return framing;
}

asio::awaitable<stage::ForwardResult> UpstreamClient::forward(stage::RequestContext& ctx,
                                                              stage::RequestBody& body,
                                                              stage::ResponseSink& sink) {
  // The call's end, however forward() returns.
  struct EndStamp {
    SteadyTime& ended;
    ~EndStamp() { ended = SteadyClock::now(); }
  };
  timings_.began = SteadyClock::now();
  const EndStamp end_stamp{timings_.ended};
  const auto& config = cluster_.config();
  const wire::BodyFraming framing = render_head(ctx, body);
  TryPlan plan{worker_,
               cluster_,
               watch_,
               ctx,
               body,
               head_,
               framing,
               route_timeout_.count() > 0 ? route_timeout_ : config.timeout,
               max_chunk_extensions_,
               timings_,
               upgraded_,
               report_};

  const bool retriable = is_idempotent(ctx.request.method()) && !body.present();
  const unsigned max_attempts = 1 + (retriable ? config.retries : 0);
  std::uint64_t tried = 0;
  unsigned attempts = 0;
  TryOutcome last = TryOutcome::connect_failed;
  std::size_t index = 0;
  bool stale_retry_left = retriable;

  for (bool same_server = false; same_server || attempts < max_attempts;) {
    if (!same_server) {
      // The first pick is at the call's start: no clock reading of its own.
      const int picked = cluster_.pick(tried, attempts == 0 ? timings_.began : SteadyClock::now());
      if (picked < 0) break;
      index = static_cast<std::size_t>(picked);
      tried |= std::uint64_t{1} << (index % 64);
      ++attempts;
    }
    // A retry opens a fresh connection: the pooled one may be the problem.
    // A handshake gets a connection of its own: it becomes the tunnel.
    const bool may_reuse = attempts == 1 && !same_server && !ctx.websocket;
    if (attempts > 1 && !same_server) cluster_.server(index).metrics.count_retry();
    same_server = false;
    InFlight in_flight(cluster_.server(index));
    UpstreamTry attempt(plan, index);
    last = co_await attempt.run(may_reuse, sink);
    last = attempt.settle(last);
    if (last == TryOutcome::done) co_return stage::ForwardResult{};
    if (last == TryOutcome::client_failed) {
      if (attempt.client_error().error == stage::BodyError::client_gone) {
        report_.error = "client_closed";
      }
      co_return client_failure(attempt.client_error(), ctx.arena);
    }
    if (last == TryOutcome::stale_connection) {
      // A kept connection its server had closed (or spoiled) while idle says
      // nothing about the server: ask it again, once, on a new connection.
      if (stale_retry_left) {
        stale_retry_left = false;
        same_server = true;
        continue;
      }
      last = TryOutcome::failed_unsent;
    } else {
      cluster_.record_failure(index, SteadyClock::now());
    }
    if (attempt.response_started() || body.started()) break;
    if (last == TryOutcome::response_timeout) break;  // it may still be working on it
  }
  report_.error = failure_reason(attempts, last);
  co_return upstream_failure(attempts, last);
}

}  // namespace centinela::net
