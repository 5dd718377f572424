#include "net/serve_request.h"

#include <algorithm>
#include <chrono>

#include "net/client_connection.h"
#include "net/exchange.h"
#include "net/open_tunnel.h"
#include "net/request_record.h"
#include "net/request_slot.h"
#include "net/upstream_connection.h"
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

// The HTTP/1.1 facts of an accepted head; then the hop-by-hop fields go, so
// stages, cache keys and Vary see the fields the upstream will see.
ClientRequest begin_request(stage::RequestContext& ctx, const RequestParser& parser) {
  auto& req = ctx.request;
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

// The request as the neutral part sees it: on this connection, answered by
// an Http1Downstream in the slot.
class Http1Side final : public ClientSide {
 public:
  Http1Side(ClientConnection& c, RequestSlot& slot, const config::Limits& limits,
            const wire::BodyDecoder& body, std::unique_ptr<OpenTunnel>& tunnel)
      : c_(c), slot_(slot), limits_(limits), body_(body), tunnel_(tunnel) {}

  stage::Downstream& downstream(const ClientRequest& client) override {
    if (slot_.downstream) return *slot_.downstream;
    Http1Downstream& down = slot_.downstream.emplace(
        Http1Downstream::Io{c_.stream(), slot_.buffer, c_.watch, slot_.response_head,
                            &slot_.close_watch},
        Http1Downstream::Timeouts{limits_.idle_timeout, limits_.header_timeout},
        c_.worker.draining_flag(), client, body_);
    down.keep_request_trailers(slot_.request_trailers);
    return down;
  }

  void report(RequestOutcome& outcome) const override {
    if (!slot_.downstream) return;
    outcome.status = slot_.downstream->status();
    if (outcome.status == 0 && slot_.close_watch.gone()) outcome.status = kClientClosedRequest;
    outcome.bytes_sent = slot_.downstream->bytes_sent();
    outcome.bytes_received += slot_.downstream->body_bytes_received();
  }

  // After a handshake's exchange: the tunnel is opened when the upstream
  // accepted it and the client got the 101; it runs after the request
  // (serve_request hands it to the connection).
  void open_tunnel(const proxy::Route& route, UpstreamClient& upstream, TunnelPlace& place,
                   RequestOutcome& outcome) override {
    proxy::TunnelMetrics& metrics = *route.tunnels();
    std::unique_ptr<UpstreamConnection> connection = upstream.take_upgraded();
    if (connection == nullptr || !slot_.downstream || !slot_.downstream->upgraded()) {
      metrics.count_rejected();
      return;
    }
    metrics.count_opened();
    outcome.tunnel_opened = SteadyClock::now();
    tunnel_ = std::make_unique<OpenTunnel>(route, std::move(connection), std::move(place));
  }

  Served served() const {
    if (!slot_.downstream) return Served::close;
    if (slot_.downstream->keeps_connection()) return Served::keep_alive;
    return slot_.downstream->body_unread() ? Served::close_after_reading_input : Served::close;
  }

 private:
  ClientConnection& c_;
  RequestSlot& slot_;
  const config::Limits& limits_;
  wire::BodyDecoder body_;
  std::unique_ptr<OpenTunnel>& tunnel_;
};

// A tunnel just opened: what it needs beyond the request is kept (the
// client's bytes after the head, the log record), the request is counted.
void keep_for_tunnel(OpenTunnel& tunnel, const std::shared_ptr<const proxy::Runtime>& runtime,
                     RequestSlot& slot, SteadyTime start,
                     std::chrono::system_clock::time_point start_wall) {
  tunnel.runtime = runtime;
  const auto bytes = slot.buffer.data();
  tunnel.client_bytes.commit(asio::buffer_copy(tunnel.client_bytes.prepare(bytes.size()), bytes));
  slot.buffer.consume(bytes.size());
  tunnel.record.emplace(*runtime, *slot.ctx, tunnel.route, slot.outcome, start, start_wall);
}

}  // namespace

asio::awaitable<Served> serve_request(ClientConnection& c, RequestSlot& slot,
                                      std::unique_ptr<OpenTunnel>& tunnel) {
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
  RequestOutcome& outcome = slot.outcome;
  outcome = RequestOutcome{};
  outcome.bytes_received = head_bytes;
  Served served = Served::close;
  if (refusal.refused()) {
    Http1Side side(c, slot, server.limits, wire::BodyDecoder(), tunnel);
    Exchange exchange{c.worker, slot, c.watch, side};
    co_await refuse(exchange, refusal.status, refusal.reason, outcome);
    // Unread bytes: whatever follows a refused head.
    served = slot.parser->is_done() ? Served::close : Served::close_after_reading_input;
  } else {
    identify_request(ctx, *runtime);
    Accepted accepted{begin_request(ctx, parser),
                      request_body_decoder(parser, server.limits, scan.size - scan.skip)};
    outcome.method = parser.get().method_string();
    outcome.path = slot.intake.path;
    outcome.query = vetted.target.query;
    outcome.host = slot.intake.authority;
    outcome.protocol = accepted.client.version == 10 ? "HTTP/1.0" : "HTTP/1.1";
    Http1Side side(c, slot, server.limits, accepted.body, tunnel);
    Exchange exchange{c.worker, slot, c.watch, side};
    // A client that leaves abandons the exchange (a tunnel reads it itself).
    if (!accepted.client.websocket) {
      slot.close_watch.prepare(c.socket, c.tls != nullptr, c.watch, slot.buffer, ctx);
      if (accepted.body.done()) slot.close_watch.start();
    }
    co_await dispatch(exchange, runtime, vetted, accepted, outcome);
    slot.close_watch.stop();
    served = side.served();
  }
  if (tunnel) {
    keep_for_tunnel(*tunnel, runtime, slot, start, start_wall);
  } else {
    record_request(c.worker, *runtime, ctx, slot.route, outcome, start, start_wall);
  }
  slot.end_request();
  co_return served;
}

}  // namespace centinela::net
