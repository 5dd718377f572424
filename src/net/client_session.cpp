#include "net/client_session.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/write.hpp>
#include <chrono>

#include "net/cache_flow.h"
#include "net/deadline.h"
#include "net/exchange.h"
#include "net/request_intake.h"
#include "net/worker.h"
#include "observe/access_log.h"
#include "observe/metrics.h"
#include "proxy/forward_headers.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/session_bridge.h"
#include "security/client_ip.h"
#include "security/request_id.h"
#include "security/trace_context.h"

namespace centinela::net {
namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::size_t kIdleBuffer = 1024;

// Counts the connection in the process-wide gauge while it lives.
class ConnectionCount {
 public:
  explicit ConnectionCount(Worker& worker) : worker_(worker) {
    worker_.shared().active_connections.fetch_add(1, std::memory_order_relaxed);
    if (auto* gauge = worker_.shared().connections_gauge) gauge->add(1);
  }
  // Runs after the connection's DeadlineWatch is gone, so a draining worker
  // sees its true count.
  ~ConnectionCount() {
    worker_.shared().active_connections.fetch_sub(1, std::memory_order_relaxed);
    if (auto* gauge = worker_.shared().connections_gauge) gauge->add(-1);
    worker_.connection_closed();
  }
  ConnectionCount(const ConnectionCount&) = delete;
  ConnectionCount& operator=(const ConnectionCount&) = delete;

 private:
  Worker& worker_;
};

std::array<std::uint8_t, 16> to_v6_bytes(const asio::ip::address& address) {
  if (address.is_v4()) {
    return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes();
  }
  return address.to_v6().to_bytes();
}

std::string_view as_view(beast::flat_buffer& buffer) {
  auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

// How the request body is framed and bounded: what follows the head is read
// through this decoder, never by Beast. The trailer section counts against
// max_header_bytes together with the head.
centinela::http::BodyDecoder request_body_decoder(const RequestParser& parser,
                                                  const config::Limits& limits,
                                                  std::size_t head_size) {
  centinela::http::BodyLimits bounds;
  bounds.max_body = limits.max_body_bytes;
  bounds.max_chunk_extensions = limits.max_chunk_extension_bytes;
  bounds.max_trailers =
      limits.max_header_bytes - std::min<std::uint64_t>(head_size, limits.max_header_bytes);
  if (parser.chunked()) return {centinela::http::Framing::chunked, 0, bounds};
  const auto length = parser.content_length();
  if (length && *length > 0) return {centinela::http::Framing::length, *length, bounds};
  return {};
}

observe::AccessLogRecord make_log_record(const Exchange& ex, std::string_view query,
                                         std::chrono::system_clock::time_point start_wall,
                                         double duration_ms) {
  observe::AccessLogRecord record;
  record.start = start_wall;
  record.request_id = ex.ctx.request_id;
  record.trace_id = ex.ctx.trace.trace_id;
  record.client_ip = ex.ctx.client_ip;
  record.user = ex.ctx.user;
  record.method = ex.method;
  record.path = ex.path;
  record.query = query;
  record.ratelimit = ex.ctx.ratelimit;
  record.route = ex.ctx.route != nullptr ? std::string_view(ex.ctx.route->name()) : "";
  record.upstream = ex.upstream_name;
  record.cache = ex.cache_status;
  auto ua = ex.ctx.request.find(http::field::user_agent);
  if (ua != ex.ctx.request.end()) record.user_agent = ua->value();
  record.status = ex.status;
  record.bytes_sent = ex.bytes_sent;
  record.duration_ms = duration_ms;
  record.upstream_ms = ex.upstream_ms;
  record.upstream_connect_ms = ex.upstream_connect_ms;
  record.upstream_response_ms = ex.upstream_response_ms;
  return record;
}

// Closing a socket with unread input makes the kernel send RST, which can
// destroy the error response still in flight to the client (a 413 sent before
// the body was read). So read and drop the client's remaining bytes, briefly.
asio::awaitable<void> discard_until_eof(tcp::socket& socket, DeadlineWatch& watch) {
  constexpr std::size_t kMaxDiscard = 4 * 1024 * 1024;
  std::array<char, 8192> sink;
  std::size_t discarded = 0;
  const SteadyTime until = SteadyClock::now() + std::chrono::seconds(2);
  while (discarded < kMaxDiscard) {
    watch.arm(socket, until);
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), use_nothrow);
    watch.disarm();
    if (ec) break;
    discarded += n;
  }
}

// OPTIONS * asks about the server, not a resource: the gateway answers it
// itself (RFC 9110 §9.3.7), with the methods it forwards.
proxy::LocalResponse options_asterisk_response() {
  proxy::LocalResponse response;
  response.status = 200;
  response.headers.set(http::field::allow, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  return response;
}

// Routes the request, settles its target, runs the request filters, then
// answers locally or forwards upstream.
asio::awaitable<void> dispatch(Exchange& ex, IntakeBuffers& buffers,
                               const centinela::http::VettedRequest& vetted,
                               std::string_view& query) {
  if (vetted.target.form == centinela::http::TargetForm::asterisk) {
    co_await send_local_response(ex, options_asterisk_response());
    co_return;
  }
  const auto& ctx = ex.ctx;
  const std::string_view host = ex.authority.substr(0, vetted.host_size);
  ex.ctx.route = ex.runtime.match(host, ex.path, ex.method);
  if (ctx.route == nullptr) {
    co_await send_error(ex, 404, "no route matches this request");
    co_return;
  }
  if (const Refusal refusal = settle_target(ex, buffers, vetted, query); refusal.refused()) {
    co_await send_error(ex, refusal.status, refusal.reason);
    co_return;
  }
  std::optional<proxy::LocalResponse> answer;
  if (proxy::request_stages_need_io(*ctx.route)) {
    answer = co_await proxy::run_request_stages(*ctx.route, ex.ctx);
  } else {
    answer = proxy::run_request_stages_now(*ctx.route, ex.ctx);
  }
  if (answer) {
    co_await send_local_response(ex, std::move(*answer));
    co_return;
  }
  if (ctx.route->config().cache.enabled) {
    co_await serve_with_cache(ex, host, query);
  } else {
    co_await forward_upstream(ex);
  }
}

// Reads until the head is complete (or refused): a slow client gets
// header_timeout for the whole head (slowloris), and a first line that can
// never start a valid request is refused without waiting for the rest.
// False when the connection was lost.
asio::awaitable<bool> read_head(tcp::socket& socket, beast::flat_buffer& buffer,
                                DeadlineWatch& watch, const config::Limits& limits,
                                SteadyTime start, centinela::http::HeaderBlockScan& scan,
                                Refusal& early) {
  for (;;) {
    scan = centinela::http::scan_header_block(as_view(buffer), limits.max_header_bytes);
    if (scan.status != centinela::http::HeaderBlockStatus::incomplete) co_return true;
    early = refuse_first_line(as_view(buffer));
    if (early.refused()) co_return true;
    watch.arm(socket, start + limits.header_timeout);
    auto [read_ec, n] = co_await socket.async_read_some(buffer.prepare(kReadChunk), use_nothrow);
    watch.disarm();
    if (read_ec) co_return false;
    buffer.commit(n);
  }
}

// Fills the exchange from an accepted head: version, keep-alive, client IP,
// request id, trace context; then drops the hop-by-hop fields, so filters,
// cache keys and Vary see the fields the upstream will see.
void begin_exchange(Exchange& ex, const config::ServerConfig& server_config) {
  auto& req = ex.parser.get();
  auto& ctx = ex.ctx;
  ex.client_version = req.version();
  ex.client_keep_alive = req.keep_alive();
  ex.method = req.method_string();
  ex.head_request = req.method() == http::verb::head;
  ctx.peer_is_trusted_proxy =
      security::is_trusted_proxy(ctx.peer_address, server_config.trusted_proxies);
  if (ctx.peer_is_trusted_proxy) {
    // Reads every X-Forwarded-For line, so a forged first line cannot win.
    std::string ignored;
    ctx.client_ip = security::resolve_client_ip(ctx.peer_address, req.base(),
                                                server_config.trusted_proxies, ignored);
  }
  auto incoming_id = req.find("X-Request-ID");
  if (incoming_id != req.end() && security::is_valid_request_id(incoming_id->value())) {
    ctx.request_id = std::string(incoming_id->value());
  }
  auto traceparent = req.find("traceparent");
  ctx.trace = security::continue_or_start_trace(
      traceparent != req.end() ? std::string_view(traceparent->value()) : std::string_view{});
  auto expect = req.find(http::field::expect);
  ex.expects_continue = expect != req.end() && beast::iequals(expect->value(), "100-continue");
  proxy::strip_hop_by_hop(req.base());
}

void record_exchange(Worker& worker, const proxy::Runtime& runtime, const Exchange& ex,
                     std::string_view query, SteadyTime start,
                     std::chrono::system_clock::time_point start_wall) {
  const double duration_s = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (ex.ctx.route != nullptr) {
    ex.ctx.route->metrics().record(ex.method, ex.status, duration_s);
  } else {
    runtime.unmatched_metrics().record(ex.method, ex.status, duration_s);
  }
  if (auto* log = worker.shared().access_log) {
    log->write(make_log_record(ex, query, start_wall, duration_s * 1000.0));
  }
}

// Waits for the next request on an idle connection, reading straight into a
// small buffer (a bare readiness wait would cost Asio an epoll_ctl per
// request; a read after an exhausted read costs no syscall at all).
asio::awaitable<bool> await_request(tcp::socket& socket, beast::flat_buffer& buffer,
                                    DeadlineWatch& watch, config::Duration idle_timeout) {
  if (buffer.capacity() > kIdleBuffer) buffer.shrink_to_fit();
  watch.set_idle(true);
  watch.arm(socket, SteadyClock::now() + idle_timeout);
  auto [idle_ec, n] = co_await socket.async_read_some(buffer.prepare(kIdleBuffer), use_nothrow);
  watch.disarm();
  watch.set_idle(false);
  if (idle_ec) co_return false;
  buffer.commit(n);
  co_return true;
}

}  // namespace

asio::awaitable<void> serve_client(Worker& worker, tcp::socket socket) {
  ConnectionCount count(worker);
  {
    DeadlineWatch watch(worker.sweeper());
    boost::system::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    const auto peer = socket.remote_endpoint(ec);
    if (ec) co_return;
    const std::array<std::uint8_t, 16> peer_bytes = to_v6_bytes(peer.address());
    const std::string peer_text = security::format_ip(peer_bytes);

    beast::flat_buffer buffer;
    std::string head_buffer;
    IntakeBuffers intake;
    bool linger = false;
    for (;;) {
      if (buffer.size() == 0) {
        if (worker.draining()) break;
        if (!co_await await_request(socket, buffer, watch,
                                    worker.runtime()->config().server.limits.idle_timeout)) {
          break;
        }
      }
      // Hold this request's config from its first byte on (not from before the
      // wait for it): a reload may swap the worker's meanwhile.
      const std::shared_ptr<const proxy::Runtime> runtime = worker.runtime();
      const auto& server_config = runtime->config().server;
      const auto& limits = server_config.limits;

      const SteadyTime start = SteadyClock::now();
      const auto start_wall = std::chrono::system_clock::now();
      centinela::http::HeaderBlockScan scan;
      Refusal refusal;
      if (!co_await read_head(socket, buffer, watch, limits, start, scan, refusal)) break;

      RequestParser parser;
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::uint64_t>(limits.max_header_bytes + 1, UINT32_MAX)));
      parser.body_limit(limits.max_body_bytes);
      proxy::RequestContext ctx{parser.get().base()};
      ctx.peer_address = peer_bytes;
      ctx.peer_ip = peer_text;
      ctx.worker = &worker.resources();
      ctx.client_ip = peer_text;
      ctx.request_id = security::new_request_id();
      Exchange ex{worker, *runtime, socket, buffer, watch, parser, ctx, head_buffer};

      centinela::http::VettedRequest vetted;
      if (!refusal.refused()) refusal = parse_head(parser, buffer, scan);
      if (!refusal.refused()) refusal = vet_parsed_request(ex, intake, vetted);
      std::string_view query;
      if (refusal.refused()) {
        ex.method = "-";
        ex.close_connection = true;
        ctx.trace = security::continue_or_start_trace({});
        co_await send_error(ex, refusal.status, refusal.reason);
      } else {
        begin_exchange(ex, runtime->config().server);
        ex.request_body = request_body_decoder(parser, limits, scan.size - scan.skip);
        query = vetted.target.query;
        co_await dispatch(ex, intake, vetted, query);
      }
      record_exchange(worker, *runtime, ex, query, start, start_wall);
      if (ex.close_connection || !ex.client_keep_alive) {
        // Unread bytes: the body, or whatever follows a refused head.
        linger = refusal.refused() ? !parser.is_done() : !ex.request_body.done();
        break;
      }
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    if (linger) co_await discard_until_eof(socket, watch);
    socket.close(ignored);
  }
}

}  // namespace centinela::net
