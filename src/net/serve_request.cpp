#include "net/serve_request.h"

#include <algorithm>
#include <chrono>

#include "net/client_connection.h"
#include "net/request_record.h"
#include "net/request_slot.h"
#include "net/tunnel.h"
#include "net/worker.h"
#include "pipeline/run.h"
#include "proxy/forward_headers.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/upstream_cluster.h"
#include "proxy/websocket_upgrade.h"
#include "security/client_ip.h"
#include "security/request_id.h"
#include "security/trace_context.h"
#include "threat/front_door.h"
#include "tracing/sampler.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

constexpr std::size_t kReadChunk = 4096;

const pipeline::Chain& no_stages() {
  static const pipeline::Chain chain;
  return chain;
}

std::string_view as_view(const beast::flat_buffer& buffer) {
  auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

// Reads until the head is complete (or refused): a slow client gets
// header_timeout for the whole head (slowloris), and a first line that can
// never start a valid request is refused without waiting for the rest.
// False when the connection was lost.
asio::awaitable<bool> read_head(ClientConnection& c, beast::flat_buffer& buffer,
                                const config::Limits& limits, SteadyTime start,
                                wire::HeaderBlockScan& scan, Refusal& early) {
  for (;;) {
    scan = wire::scan_header_block(as_view(buffer), limits.max_header_bytes);
    if (scan.status != wire::HeaderBlockStatus::incomplete) co_return true;
    early = refuse_first_line(as_view(buffer));
    if (early.refused()) co_return true;
    c.watch.arm(c.socket, start + limits.header_timeout);
    Stream stream = c.stream();
    auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), use_nothrow);
    c.watch.disarm();
    if (read_ec) co_return false;
    buffer.commit(n);
  }
}

// How the request body is framed and bounded: what follows the head is read
// through this decoder, never by Beast. The trailer section counts against
// max_header_bytes together with the head.
wire::BodyDecoder request_body_decoder(const RequestParser& parser, const config::Limits& limits,
                                       std::size_t head_size) {
  wire::BodyLimits bounds;
  bounds.max_body = limits.max_body_bytes;
  bounds.max_chunk_extensions = limits.max_chunk_extension_bytes;
  bounds.max_trailers =
      limits.max_header_bytes - std::min<std::uint64_t>(head_size, limits.max_header_bytes);
  if (parser.chunked()) return {wire::Framing::chunked, 0, bounds};
  const auto length = parser.content_length();
  if (length && *length > 0) return {wire::Framing::length, *length, bounds};
  return {};
}

// The request's context before its head is read: who asks, on which worker.
stage::RequestContext& begin_context(ClientConnection& c, RequestSlot& slot) {
  stage::RequestContext& ctx = slot.ctx.emplace(slot.parser->get().base(), slot.arena);
  ctx.peer_address = c.peer;
  ctx.peer_ip = c.peer_text;
  ctx.client_ip = c.peer_text;
  ctx.worker = &c.worker.resources();
  ctx.http_date = c.worker.http_date();
  describe_tls(c, ctx);
  return ctx;
}

// From an accepted head: client IP, request id, trace context, what the
// response writer needs to know; then the hop-by-hop fields go, so stages,
// cache keys and Vary see the fields the upstream will see.
ClientRequest begin_request(stage::RequestContext& ctx, const RequestParser& parser,
                            const config::ServerConfig& server) {
  auto& req = ctx.request;
  ctx.peer_is_trusted_proxy = security::is_trusted_proxy(ctx.peer_address, server.trusted_proxies);
  if (ctx.peer_is_trusted_proxy) {
    // Reads every X-Forwarded-For line, so a forged first line cannot win.
    std::string ignored;
    ctx.client_ip =
        security::resolve_client_ip(ctx.peer_address, req, server.trusted_proxies, ignored);
  }
  auto incoming_id = req.find("X-Request-ID");
  if (incoming_id != req.end() && security::is_valid_request_id(incoming_id->value())) {
    ctx.request_id = std::string(incoming_id->value());
  }
  auto traceparent = req.find("traceparent");
  security::continue_or_start_trace(
      traceparent != req.end() ? std::string_view(traceparent->value()) : std::string_view{},
      ctx.trace);
  ClientRequest client;
  client.version = req.version();
  client.keep_alive = parser.get().keep_alive();
  if (const auto length = parser.content_length()) client.body_length = *length;
  client.head_request = req.method() == http::verb::head;
  auto expect = req.find(http::field::expect);
  client.expects_continue = expect != req.end() && beast::iequals(expect->value(), "100-continue");
  // Asked for; granted only where the route allows it (run_route).
  client.websocket = proxy::is_websocket_handshake(req);
  proxy::strip_hop_by_hop(req);
  return client;
}

Http1Downstream& make_downstream(ClientConnection& c, RequestSlot& slot,
                                 const config::Limits& limits, const ClientRequest& client,
                                 const wire::BodyDecoder& body) {
  return slot.downstream.emplace(
      Http1Downstream::Io{c.stream(), slot.buffer, c.watch, slot.response_head},
      Http1Downstream::Timeouts{limits.idle_timeout, limits.header_timeout},
      c.worker.draining_flag(), client, body);
}

Served served_by(const Http1Downstream& down) {
  if (down.keeps_connection()) return Served::keep_alive;
  return down.body_unread() ? Served::close_after_reading_input : Served::close;
}

void take_outcome(const Http1Downstream& down, RequestOutcome& outcome) {
  outcome.status = down.status();
  outcome.bytes_sent = down.bytes_sent();
  outcome.bytes_received += down.body_bytes_received();
}

// OPTIONS * asks about the server, not a resource: the gateway answers it
// itself (RFC 9110 §9.3.7), with the methods it forwards.
stage::LocalResponse options_asterisk_response() {
  stage::LocalResponse response;
  response.status = 200;
  response.headers.set(http::field::allow, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  return response;
}

void assign_new_request_id(stage::RequestContext& ctx) {
  char id[security::kGeneratedRequestIdLength];
  security::new_request_id(id);
  ctx.request_id.assign(id, sizeof id);
}

// A head refused before it could be routed: the error, then the close.
asio::awaitable<Served> refuse(ClientConnection& c, RequestSlot& slot, const config::Limits& limits,
                               const Refusal& refusal, RequestOutcome& outcome) {
  stage::RequestContext& ctx = *slot.ctx;
  assign_new_request_id(ctx);
  security::continue_or_start_trace({}, ctx.trace);
  ClientRequest client;
  client.keep_alive = false;
  Http1Downstream& down = make_downstream(c, slot, limits, client, wire::BodyDecoder());
  co_await pipeline::respond(
      no_stages(), ctx, down,
      stage::make_error_response(refusal.status, refusal.reason, ctx.request_id));
  take_outcome(down, outcome);
  // Unread bytes: whatever follows a refused head.
  co_return slot.parser->is_done() ? Served::close : Served::close_after_reading_input;
}

// What the connection knows of one accepted request.
struct Accepted {
  ClientRequest client;
  wire::BodyDecoder body;
  std::string_view host;  // lower-case, without port: what routes match
};

// An answer of the gateway's own (no route, OPTIONS *, a refused target),
// through `chain`'s response direction.
asio::awaitable<Served> answer(ClientConnection& c, RequestSlot& slot, const config::Limits& limits,
                               const Accepted& accepted, const pipeline::Chain& chain,
                               stage::LocalResponse response, RequestOutcome& outcome) {
  Http1Downstream& down = make_downstream(c, slot, limits, accepted.client, accepted.body);
  co_await pipeline::respond(chain, *slot.ctx, down, std::move(response));
  take_outcome(down, outcome);
  co_return served_by(down);
}

// A place under the route's max_tunnels, held from the handshake until the
// tunnel closes (or the handshake fails).
class TunnelPlace {
 public:
  explicit TunnelPlace(proxy::TunnelMetrics* metrics) : metrics_(metrics) {}
  ~TunnelPlace() {
    if (metrics_ != nullptr) metrics_->release();
  }
  TunnelPlace(const TunnelPlace&) = delete;
  TunnelPlace& operator=(const TunnelPlace&) = delete;

 private:
  proxy::TunnelMetrics* metrics_;
};

// After a handshake's exchange: the tunnel, when the upstream accepted it
// and the client got the 101. The request's slot stays with the tunnel (its
// buffer holds what the client sent after the head).
asio::awaitable<void> open_tunnel(ClientConnection& c, RequestSlot& slot, const proxy::Route& route,
                                  const Http1Downstream& down, UpstreamClient& upstream,
                                  RequestOutcome& outcome) {
  proxy::TunnelMetrics& metrics = *route.tunnels();
  std::unique_ptr<UpstreamConnection> connection = upstream.take_upgraded();
  if (connection == nullptr || !down.upgraded()) {
    metrics.count_rejected();
    co_return;
  }
  metrics.count_opened();
  outcome.tunnel_opened = SteadyClock::now();
  Tunnel tunnel(c.worker, TunnelSide{c.stream(), slot.buffer},
                TunnelSide{connection->socket(), connection->buffer(), connection->tls()},
                route.config().websocket.idle_timeout);
  outcome.tunnel = co_await tunnel.run();
  metrics.count_bytes(outcome.tunnel.client_to_upstream, outcome.tunnel.upstream_to_client);
}

// A routed request through its route's chain and upstream; a WebSocket
// handshake the route allows runs through its handshake chain and, once
// accepted, becomes a tunnel.
asio::awaitable<Served> run_route(ClientConnection& c, RequestSlot& slot,
                                  const std::shared_ptr<const proxy::Runtime>& runtime,
                                  const Accepted& accepted, RequestOutcome& outcome) {
  const auto& limits = runtime->config().server.limits;
  stage::RequestContext& ctx = *slot.ctx;
  const proxy::Route& route = *slot.route;
  ClientRequest client = accepted.client;
  client.websocket = client.websocket && route.tunnels() != nullptr && !c.worker.draining();
  if (client.websocket && !route.tunnels()->reserve()) {
    co_return co_await answer(
        c, slot, limits, accepted, route.handshake_chain(),
        stage::make_error_response(503, "too many WebSocket tunnels open on this route",
                                   ctx.request_id),
        outcome);
  }
  TunnelPlace place(client.websocket ? route.tunnels() : nullptr);
  ctx.websocket = client.websocket;
  ctx.host = slot.intake.authority;
  ctx.path = outcome.path;
  ctx.query = outcome.query;
  ctx.target_as_sent = slot.intake.sent_target;
  ctx.background = &slot.background.emplace(c.worker, runtime, route);
  Http1Downstream& down = make_downstream(c, slot, limits, client, accepted.body);
  UpstreamClient& upstream =
      slot.upstream.emplace(c.worker, route.upstream(), route.config().timeout,
                            limits.max_chunk_extension_bytes, c.watch, slot.upstream_head);
  co_await pipeline::run(ctx.websocket ? route.handshake_chain() : route.chain(), ctx, down,
                         upstream);
  take_outcome(down, outcome);
  outcome.upstream = upstream.name();
  outcome.timings = upstream.timings();
  outcome.upstream_report = upstream.report();
  outcome.cache = ctx.cache_status;
  if (ctx.websocket) co_await open_tunnel(c, slot, route, down, upstream, outcome);
  co_return served_by(down);
}

// What becomes of an accepted head: an answer of the gateway's own, through
// `chain`'s response direction, or the route's chain (answer empty).
struct Decision {
  std::optional<stage::LocalResponse> answer;
  const pipeline::Chain* chain = nullptr;
};

Decision decide(RequestSlot& slot, const proxy::Runtime& runtime, const wire::VettedRequest& vetted,
                Accepted& accepted, RequestOutcome& outcome) {
  stage::RequestContext& ctx = *slot.ctx;
  // A banned client gets nothing else, routed or not, before any stage.
  if (auto banned = threat::front_door_check(ctx)) return {std::move(*banned), &no_stages()};
  if (vetted.target.form == wire::TargetForm::asterisk) {
    return {options_asterisk_response(), &no_stages()};
  }
  accepted.host = std::string_view(slot.intake.authority).substr(0, vetted.host_size);
  slot.route = runtime.match(accepted.host, outcome.path, outcome.method);
  if (slot.route == nullptr) {
    // Probing paths no route serves is what scanners do.
    threat::note_scanner(ctx, outcome.path);
    threat::note_status(ctx, 404);
    return {stage::make_error_response(404, "no route matches this request", ctx.request_id),
            &no_stages()};
  }
  if (const Refusal refusal =
          settle_target(*slot.parser, slot.route, slot.intake, vetted, outcome.path, outcome.query);
      refusal.refused()) {
    return {stage::make_error_response(refusal.status, refusal.reason, ctx.request_id),
            &slot.route->chain()};
  }
  return {std::nullopt, &slot.route->chain()};
}

// An accepted head: answered by the gateway, or routed and run.
asio::awaitable<Served> dispatch(ClientConnection& c, RequestSlot& slot,
                                 const std::shared_ptr<const proxy::Runtime>& shared_runtime,
                                 const wire::VettedRequest& vetted, Accepted& accepted,
                                 RequestOutcome& outcome) {
  const proxy::Runtime& runtime = *shared_runtime;
  const auto& limits = runtime.config().server.limits;
  Decision decision = decide(slot, runtime, vetted, accepted, outcome);
  if (decision.answer) {
    return answer(c, slot, limits, accepted, *decision.chain, std::move(*decision.answer), outcome);
  }
  return run_route(c, slot, shared_runtime, accepted, outcome);
}

}  // namespace

asio::awaitable<Served> serve_request(ClientConnection& c, RequestSlot& slot) {
  // Hold this request's config from its first byte on (not from before the
  // wait for it): a reload may swap the worker's meanwhile.
  const std::shared_ptr<const proxy::Runtime> runtime = c.worker.runtime();
  const auto& server = runtime->config().server;
  const SteadyTime start = SteadyClock::now();
  const auto start_wall = std::chrono::system_clock::now();
  wire::HeaderBlockScan scan;
  Refusal refusal;
  // Usually the whole head came with the first read: no reading coroutine.
  scan = wire::scan_header_block(as_view(slot.buffer), server.limits.max_header_bytes);
  if (scan.status == wire::HeaderBlockStatus::incomplete &&
      !co_await read_head(c, slot.buffer, server.limits, start, scan, refusal)) {
    co_return Served::close;
  }
  ++c.requests;
  // What the head took on the wire (or, refused, what was read of it).
  const std::size_t head_bytes =
      scan.status == wire::HeaderBlockStatus::complete ? scan.size : slot.buffer.size();
  RequestParser& parser = slot.parser.emplace();
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::uint64_t>(server.limits.max_header_bytes + 1, UINT32_MAX)));
  parser.body_limit(server.limits.max_body_bytes);
  stage::RequestContext& ctx = begin_context(c, slot);

  wire::VettedRequest vetted;
  if (!refusal.refused()) refusal = parse_head(parser, slot.buffer, scan);
  if (!refusal.refused()) refusal = vet_parsed_request(parser, c.socket, slot.intake, vetted);
  RequestOutcome outcome;
  outcome.bytes_received = head_bytes;
  Served served = Served::close;
  if (refusal.refused()) {
    served = co_await refuse(c, slot, server.limits, refusal, outcome);
  } else {
    Accepted accepted{begin_request(ctx, parser, server),
                      request_body_decoder(parser, server.limits, scan.size - scan.skip)};
    tracing::decide_sampling(ctx.trace, runtime->config().tracing);
    if (ctx.request_id.empty()) assign_new_request_id(ctx);
    outcome.method = parser.get().method_string();
    outcome.path = slot.intake.path;
    outcome.query = vetted.target.query;
    outcome.host = slot.intake.authority;
    outcome.protocol = accepted.client.version == 10 ? "HTTP/1.0" : "HTTP/1.1";
    served = co_await dispatch(c, slot, runtime, vetted, accepted, outcome);
  }
  record_request(c.worker, *runtime, ctx, slot.route, outcome, start, start_wall);
  slot.end_request();
  co_return served;
}

}  // namespace centinela::net
