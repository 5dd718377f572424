#include "net/exchange.h"

#include "net/client_connection.h"
#include "net/open_tunnel.h"
#include "net/request_intake.h"
#include "net/request_record.h"
#include "net/request_slot.h"
#include "net/worker.h"
#include "pipeline/run.h"
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

const pipeline::Chain& no_stages() {
  static const pipeline::Chain chain;
  return chain;
}

// OPTIONS * asks about the server, not a resource: the gateway answers it
// itself (RFC 9110 §9.3.7), with the methods it forwards.
stage::LocalResponse options_asterisk_response() {
  stage::LocalResponse response;
  response.status = 200;
  response.headers.set(http::field::allow, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  return response;
}

// An answer of the gateway's own (no route, OPTIONS *, a refused target),
// through `chain`'s response direction.
asio::awaitable<void> answer(Exchange& x, const Accepted& accepted, const pipeline::Chain& chain,
                             stage::LocalResponse response, RequestOutcome& outcome) {
  stage::Downstream& down = x.side.downstream(accepted.client);
  co_await pipeline::respond(chain, *x.slot.ctx, down, std::move(response));
  x.side.report(outcome);
}

// A routed request through its route's chain and upstream; a WebSocket
// handshake the route allows runs through its handshake chain and, once
// accepted, becomes a tunnel.
asio::awaitable<void> run_route(Exchange& x, const std::shared_ptr<const proxy::Runtime>& runtime,
                                const Accepted& accepted, RequestOutcome& outcome) {
  const auto& limits = runtime->config().server.limits;
  RequestSlot& slot = x.slot;
  stage::RequestContext& ctx = *slot.ctx;
  const proxy::Route& route = *slot.route;
  ClientRequest client = accepted.client;
  client.websocket = client.websocket && route.tunnels() != nullptr && !x.worker.draining();
  if (client.websocket && !route.tunnels()->reserve()) {
    co_await answer(x, accepted, route.handshake_chain(),
                    stage::make_error_response(503, "too many WebSocket tunnels open on this route",
                                               ctx.request_id),
                    outcome);
    co_return;
  }
  TunnelPlace place(client.websocket ? route.tunnels() : nullptr);
  ctx.websocket = client.websocket;
  ctx.host = slot.intake.authority;
  ctx.path = outcome.path;
  ctx.query = outcome.query;
  ctx.target_as_sent = slot.intake.sent_target;
  ctx.background = &slot.background.emplace(x.worker, runtime, route);
  stage::Downstream& down = x.side.downstream(client);
  UpstreamClient& upstream =
      slot.upstream.emplace(x.worker, route.upstream(), route.config().timeout,
                            limits.max_chunk_extension_bytes, x.watch, slot.upstream_head);
  co_await pipeline::run(ctx.websocket ? route.handshake_chain() : route.chain(), ctx, down,
                         upstream);
  x.side.report(outcome);
  outcome.upstream = upstream.name();
  outcome.timings = upstream.timings();
  outcome.upstream_report = upstream.report();
  outcome.cache = ctx.cache_status;
  if (ctx.websocket) x.side.open_tunnel(route, upstream, place, outcome);
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

}  // namespace

void ClientSide::open_tunnel(const proxy::Route& /*route*/, UpstreamClient& /*upstream*/,
                             TunnelPlace& /*place*/, RequestOutcome& /*outcome*/) {}

stage::RequestContext& begin_context(ClientConnection& c, RequestSlot& slot) {
  stage::RequestContext& ctx = slot.ctx.emplace(slot.parser->get().base(), slot.arena);
  slot.context_strings.lend(ctx);
  ctx.peer_address = c.peer;
  ctx.peer_ip = c.peer_text;
  ctx.client_ip = c.peer_text;
  ctx.worker = &c.worker.resources();
  ctx.http_date = c.worker.http_date();
  describe_tls(c, ctx);
  return ctx;
}

void identify_request(stage::RequestContext& ctx, const proxy::Runtime& runtime) {
  const auto& server = runtime.config().server;
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
    ctx.request_id.assign(incoming_id->value());
  }
  auto traceparent = req.find("traceparent");
  security::continue_or_start_trace(
      traceparent != req.end() ? std::string_view(traceparent->value()) : std::string_view{},
      ctx.trace);
  tracing::decide_sampling(ctx.trace, runtime.config().tracing);
  if (ctx.request_id.empty()) assign_new_request_id(ctx);
}

void assign_new_request_id(stage::RequestContext& ctx) {
  char id[security::kGeneratedRequestIdLength];
  security::new_request_id(id);
  ctx.request_id.assign(id, sizeof id);
}

// Not a coroutine: the decision is made at the call (which is awaited at
// once), and the answer or the route runs in its own frame, the only one.
// What the coroutine it returns refers to is the caller's.
asio::awaitable<void> dispatch(Exchange& x, const std::shared_ptr<const proxy::Runtime>& runtime,
                               const wire::VettedRequest& vetted, Accepted& accepted,
                               RequestOutcome& outcome) {
  Decision decision = decide(x.slot, *runtime, vetted, accepted, outcome);
  if (decision.answer) {
    return answer(x, accepted, *decision.chain, std::move(*decision.answer), outcome);
  }
  return run_route(x, runtime, accepted, outcome);
}

asio::awaitable<void> refuse(Exchange& x, unsigned status, std::string_view reason,
                             RequestOutcome& outcome) {
  stage::RequestContext& ctx = *x.slot.ctx;
  assign_new_request_id(ctx);
  security::continue_or_start_trace({}, ctx.trace);
  ClientRequest client;
  client.keep_alive = false;
  stage::Downstream& down = x.side.downstream(client);
  co_await pipeline::respond(no_stages(), ctx, down,
                             stage::make_error_response(status, reason, ctx.request_id));
  x.side.report(outcome);
}

}  // namespace centinela::net
