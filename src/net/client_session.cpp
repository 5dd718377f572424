#include "net/client_session.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/write.hpp>
#include <chrono>

#include "net/cache_flow.h"
#include "net/deadline.h"
#include "net/exchange.h"
#include "net/header_block.h"
#include "net/worker.h"
#include "observe/access_log.h"
#include "observe/metrics.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
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

unsigned status_for_parse_error(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::header_limit) return 431;
  return 400;
}

std::string_view ascii_lower_host(std::string_view host, std::string& storage) {
  // Strip the port ("example.com:8080", "[::1]:8080") and fold case.
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    host = host.substr(0, close == std::string_view::npos ? host.size() : close + 1);
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  storage.assign(host);
  std::transform(storage.begin(), storage.end(), storage.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return storage;
}

// Why a parsed request head is refused, or empty when it is acceptable.
std::string_view vet_request(const RequestParser& parser) {
  const auto& req = parser.get();
  if (req.version() != 10 && req.version() != 11) return "unsupported HTTP version";
  // Transfer-Encoding is only understood as "chunked" last; anything else
  // could frame the body differently for some other server (smuggling).
  if (req.find(http::field::transfer_encoding) != req.end() && !parser.chunked()) {
    return "unsupported Transfer-Encoding";
  }
  if (req.method() == http::verb::unknown) return "unknown method";
  const auto target = req.target();
  const bool origin_form = !target.empty() && target.front() == '/';
  const bool asterisk = target == "*" && req.method() == http::verb::options;
  if (!origin_form && !asterisk) return "request target must be a path";
  const auto hosts = req.equal_range(http::field::host);
  const auto host_count = std::distance(hosts.first, hosts.second);
  if (host_count > 1) return "more than one Host header";
  if (host_count == 0 && req.version() == 11) return "missing Host header";
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

// Routes the request, runs the request filters, then answers locally or
// forwards upstream.
asio::awaitable<void> dispatch(Exchange& ex, std::string_view host, std::string_view query) {
  const auto& ctx = ex.ctx;
  ex.ctx.route = ex.runtime.match(host, ex.path, ex.method);
  if (ctx.route == nullptr) {
    co_await send_error(ex, 404, "no route matches this request");
    co_return;
  }
  for (const auto& filter : ctx.route->filters()) {
    const proxy::FilterStatus status =
        filter->is_async() ? co_await filter->on_request_async(ex.ctx) : filter->on_request(ex.ctx);
    if (status == proxy::FilterStatus::Respond) {
      proxy::LocalResponse response =
          ex.ctx.local_response ? std::move(*ex.ctx.local_response)
                                : proxy::make_error_response(403, "refused", ctx.request_id);
      co_await send_local_response(ex, std::move(response));
      co_return;
    }
  }
  if (ctx.route->config().cache.enabled) {
    co_await serve_with_cache(ex, host, query);
  } else {
    co_await forward_upstream(ex);
  }
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
    std::string host_storage;
    std::string head_buffer;
    bool linger = false;
    for (;;) {
      if (buffer.size() == 0) {
        if (worker.draining()) break;
        // Idle between requests: keep only a small buffer and read straight
        // into it. (A bare readiness wait would cost Asio an epoll_ctl per
        // request; a read after an exhausted read costs no syscall at all.)
        if (buffer.capacity() > kIdleBuffer) buffer.shrink_to_fit();
        watch.set_idle(true);
        watch.arm(socket,
                  SteadyClock::now() + worker.runtime()->config().server.limits.idle_timeout);
        auto [idle_ec, n] =
            co_await socket.async_read_some(buffer.prepare(kIdleBuffer), use_nothrow);
        watch.disarm();
        watch.set_idle(false);
        if (idle_ec) break;
        buffer.commit(n);
      }
      // Hold this request's config from its first byte on (not from before the
      // wait for it): a reload may swap the worker's meanwhile.
      const std::shared_ptr<const proxy::Runtime> runtime = worker.runtime();
      const auto& server_config = runtime->config().server;
      const auto& limits = server_config.limits;

      const SteadyTime start = SteadyClock::now();
      const auto start_wall = std::chrono::system_clock::now();
      HeaderBlockScan scan;
      bool connection_lost = false;
      for (;;) {
        scan = scan_header_block(as_view(buffer), limits.max_header_bytes);
        if (scan.status != HeaderBlockStatus::incomplete) break;
        // A slow client gets header_timeout for the whole head (slowloris).
        watch.arm(socket, start + limits.header_timeout);
        auto [read_ec, n] =
            co_await socket.async_read_some(buffer.prepare(kReadChunk), use_nothrow);
        watch.disarm();
        if (read_ec) {
          connection_lost = true;
          break;
        }
        buffer.commit(n);
      }
      if (connection_lost) break;

      RequestParser parser;
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::uint64_t>(limits.max_header_bytes + 1, UINT32_MAX)));
      parser.body_limit(limits.max_body_bytes);
      proxy::RequestContext ctx{parser.get().base()};
      ctx.peer_address = peer_bytes;
      ctx.peer_ip = peer_text;
      ctx.worker = &worker.resources();
      Exchange ex{worker, *runtime, socket, buffer, watch, parser, ctx, head_buffer};
      ex.client_version = 11;

      ctx.client_ip = peer_text;
      ctx.request_id = security::new_request_id();

      std::string_view refusal;
      unsigned refusal_status = 0;
      if (scan.status == HeaderBlockStatus::too_large) {
        refusal_status = 431;
        refusal = "request headers too large";
      } else if (scan.status == HeaderBlockStatus::malformed) {
        refusal_status = 400;
        refusal = "malformed request head";
      } else {
        buffer.consume(scan.skip);
        beast::error_code parse_ec;
        const std::size_t used =
            parser.put(asio::buffer(buffer.data().data(), scan.size - scan.skip), parse_ec);
        if (parse_ec) {
          refusal_status = status_for_parse_error(parse_ec);
          refusal = refusal_status == 413   ? "request body too large"
                    : refusal_status == 431 ? "request headers too large"
                                            : "malformed request";
        } else {
          buffer.consume(used);
          if (!parser.is_header_done()) {
            refusal_status = 400;
            refusal = "malformed request head";
          } else {
            refusal = vet_request(parser);
            if (!refusal.empty()) refusal_status = 400;
          }
        }
      }

      auto& req = parser.get();
      std::string_view query;
      if (refusal_status == 0) {
        ex.client_version = req.version();
        ex.client_keep_alive = req.keep_alive();
        ex.method = req.method_string();
        ex.head_request = req.method() == http::verb::head;
        const auto target = req.target();
        const auto question = target.find('?');
        ex.path = target.substr(0, question);
        if (question != std::string_view::npos) query = target.substr(question + 1);

        ctx.peer_is_trusted_proxy =
            security::is_trusted_proxy(peer_bytes, server_config.trusted_proxies);
        if (ctx.peer_is_trusted_proxy) {
          // Reads every X-Forwarded-For line, so a forged first line cannot win.
          std::string ignored;
          ctx.client_ip = security::resolve_client_ip(peer_bytes, req.base(),
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
        ex.expects_continue =
            expect != req.end() && beast::iequals(expect->value(), "100-continue");
      } else {
        ex.method = "-";
        ex.close_connection = true;
        ctx.trace = security::continue_or_start_trace({});
      }

      if (refusal_status != 0) {
        co_await send_error(ex, refusal_status, refusal);
      } else {
        auto host_field = req.find(http::field::host);
        const std::string_view host = ascii_lower_host(
            host_field != req.end() ? std::string_view(host_field->value()) : std::string_view{},
            host_storage);
        co_await dispatch(ex, host, query);
      }

      const double duration_s = std::chrono::duration<double>(SteadyClock::now() - start).count();
      if (ctx.route != nullptr) {
        ctx.route->metrics().record(ex.method, ex.status, duration_s);
      } else {
        runtime->unmatched_metrics().record(ex.method, ex.status, duration_s);
      }
      if (auto* log = worker.shared().access_log) {
        log->write(make_log_record(ex, query, start_wall, duration_s * 1000.0));
      }
      if (ex.close_connection || !ex.client_keep_alive) {
        linger = !parser.is_done();
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
