#include "net/client_connection.h"

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include "http/http2_preface.h"
#include "net/h2_connection.h"
#include "net/open_tunnel.h"
#include "net/request_slot.h"
#include "net/serve_request.h"
#include "net/stream_io.h"
#include "net/tls_accept.h"
#include "net/worker.h"
#include "observe/metrics.h"
#include "proxy/runtime.h"
#include "security/client_ip.h"
#include "stage/request_context.h"
#include "tls/server_context.h"

namespace centinela::net {
namespace {

constexpr std::size_t kReadChunk = 4096;
// How long a connection that is being reused keeps its slot and a pending
// read between requests; quieter than that, it parks (the sweeper's tick,
// 100 ms, is the resolution).
constexpr std::chrono::milliseconds kParkAfter{1000};

std::array<std::uint8_t, 16> to_v6_bytes(const asio::ip::address& address) {
  if (address.is_v4()) {
    return asio::ip::make_address_v6(asio::ip::v4_mapped, address.to_v4()).to_bytes();
  }
  return address.to_v6().to_bytes();
}

asio::awaitable<void> serve(std::unique_ptr<ClientConnection> connection);

// Plain new/delete for a handler's operation. Asio recycles operation memory
// per thread and hands out the first cached block that is large enough (a
// write's, several times the size of a wait); a wait that lasts as long as a
// parked connection must not keep one. (Asio treats std::allocator like its
// recycler, hence a type of our own.)
template <typename T>
struct ExactAllocator {
  using value_type = T;
  ExactAllocator() = default;
  template <typename U>
  ExactAllocator(const ExactAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p); }
  template <typename U>
  bool operator==(const ExactAllocator<U>&) const noexcept {
    return true;
  }
};

// Waits for the connection to become readable with nothing but the wait
// itself: no slot, no coroutine. Readable: serving resumes in a new
// coroutine. Idle past its deadline, drained, or failed: it closes.
void park(std::unique_ptr<ClientConnection> connection) {
  ClientConnection& c = *connection;
  c.woken = true;
  if (c.tls != nullptr) c.tls->release_idle_memory();
  c.watch.set_idle(true);
  c.watch.arm(c.socket, c.idle_until);
  auto wake = [connection = std::move(connection)](boost::system::error_code ec) mutable {
    ClientConnection& c = *connection;
    c.watch.disarm();
    c.watch.set_idle(false);
    if (ec || c.worker.draining()) {
      c.stream().shutdown_send();
      return;  // closed as the connection goes
    }
    asio::co_spawn(c.worker.io(), serve(std::move(connection)), asio::detached);
  };
  c.socket.async_wait(tcp::socket::wait_read,
                      asio::bind_allocator(ExactAllocator<void>(), std::move(wake)));
}

// Closing a socket with unread input makes the kernel send RST, which can
// destroy the error response still in flight to the client (a 413 sent before
// the body was read). So read and drop the client's remaining bytes, briefly.
asio::awaitable<void> discard_until_eof(ClientConnection& c, beast::flat_buffer& buffer) {
  constexpr std::size_t kMaxDiscard = 4 * 1024 * 1024;
  std::size_t discarded = 0;
  const SteadyTime until = SteadyClock::now() + std::chrono::seconds(2);
  while (discarded < kMaxDiscard) {
    buffer.clear();
    c.watch.arm(c.socket, until);
    Stream stream = c.stream();
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(8192), use_nothrow);
    c.watch.disarm();
    if (ec) break;
    discarded += n;
  }
}

enum class Wait { read, request, park, close };

// Before waiting for the next request: read with the slot's buffer ready
// (after an exhausted read this costs no system call), or park at once.
Wait begin_wait(ClientConnection& c, const RequestSlot& slot) {
  const SteadyTime now = SteadyClock::now();
  c.idle_until = now + c.worker.runtime()->config().server.limits.idle_timeout;
  // After its first request a connection is as likely to stay idle as not
  // (a browser's spare, a health check): it parks at once. One that comes
  // back is kept busy from then on.
  // (Not while OpenSSL holds bytes: the socket may never wake for them.)
  // (Nor when bytes came meanwhile: a readiness wait would sleep on them.)
  if (c.requests == 1 && !c.woken && !c.tls_pending() && !slot.close_watch.bytes_came()) {
    return Wait::park;
  }
  c.watch.set_idle(true);
  c.watch.arm(c.socket, std::min(c.idle_until, now + kParkAfter));
  return Wait::read;
}

// After the read: bytes, or a quiet connection (the sweeper cancelled the
// read at kParkAfter) that parks, or the end.
Wait end_wait(ClientConnection& c, beast::flat_buffer& buffer, boost::system::error_code ec,
              std::size_t n) {
  c.watch.disarm();
  c.watch.set_idle(false);
  if (!ec) {
    buffer.commit(n);
    return Wait::request;
  }
  const bool quiet = c.watch.fired() && SteadyClock::now() < c.idle_until;
  return quiet && !c.worker.draining() ? Wait::park : Wait::close;
}

std::string_view as_view(const beast::flat_buffer& buffer) {
  auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

// On a cleartext listener with http2: whether the client opened with the
// HTTP/2 preface (prior knowledge). The first byte that differs settles it;
// the head's timeout bounds the wait for the rest. Null: the connection
// failed meanwhile.
asio::awaitable<std::optional<centinela::http::PrefaceMatch>> sniff_preface(
    ClientConnection& c, beast::flat_buffer& buffer) {
  const SteadyTime deadline =
      SteadyClock::now() + c.worker.runtime()->config().server.limits.header_timeout;
  for (;;) {
    const centinela::http::PrefaceMatch match = centinela::http::classify_preface(as_view(buffer));
    if (match != centinela::http::PrefaceMatch::need_more) co_return match;
    c.watch.arm(c.socket, deadline);
    auto [ec, n] = co_await c.socket.async_read_some(buffer.prepare(kReadChunk), use_nothrow);
    c.watch.disarm();
    if (ec) co_return std::nullopt;
    buffer.commit(n);
  }
}

asio::awaitable<void> serve(std::unique_ptr<ClientConnection> connection) {
  ClientConnection& c = *connection;
  SlotPool::Lease slot = c.worker.slots().take();
  Served served = Served::close;
  for (;;) {
    if (slot->buffer.size() == 0) {
      if (c.worker.draining()) break;
      Wait wait = begin_wait(c, *slot);
      if (wait == Wait::read) {
        // Behind what else is ready first: the client got its response
        // only now (written at once, write_now), and by then its next
        // request has most likely come, so the read finds it instead of
        // an EAGAIN (a system call more: 0.77 a request over HTTPS).
        // Awaited as a deferred operation: with use_awaitable, Asio 1.81
        // makes a coroutine frame of its own for the post (~200
        // instructions). A local, not a temporary in the co_await (GCC 12).
        if (c.requests != 0) {
          auto yield = asio::post(c.socket.get_executor(), asio::deferred);
          co_await std::move(yield);
        }
        // Deferred operations too (one awaited per kind of stream).
        Stream stream = c.stream();
        const auto space = slot->buffer.prepare(kReadChunk);
        IoResult got;
        if (stream.tls() != nullptr) {
          auto read = stream.async_read_tls(space, asio::as_tuple(asio::deferred));
          got = co_await std::move(read);
        } else {
          auto read = c.socket.async_read_some(space, asio::as_tuple(asio::deferred));
          got = co_await std::move(read);
        }
        wait = end_wait(c, slot->buffer, std::get<0>(got), std::get<1>(got));
      }
      if (wait == Wait::close) break;
      // A part of a TLS record came and then nothing: no parking on it; the
      // reads go on until the idle timeout.
      if (wait == Wait::park && c.tls_pending()) continue;
      if (wait == Wait::park) {
        if (slot->close_watch.pending()) co_await slot->close_watch.settle();
        slot.release();
        park(std::move(connection));
        co_return;
      }
    }
    if (c.h2c && c.requests == 0) {
      const auto match = co_await sniff_preface(c, slot->buffer);
      if (!match) break;
      if (*match == centinela::http::PrefaceMatch::http2) {
        std::string received(as_view(slot->buffer));
        slot->buffer.clear();
        slot.release();
        co_await serve_h2(std::move(connection), std::move(received));
        co_return;
      }
      c.h2c = false;  // HTTP/1.1 on this connection from now on
    }
    std::unique_ptr<OpenTunnel> tunnel;
    served = co_await serve_request(c, *slot, tunnel);
    if (tunnel) {
      // The tunnel holds no request slot: it may stay open for hours.
      slot.release();
      co_await run_tunnel(c, *tunnel);
      tunnel.reset();
      c.stream().shutdown_send();
      co_return;
    }
    if (served != Served::keep_alive) break;
  }
  c.stream().shutdown_send();
  if (served == Served::close_after_reading_input) co_await discard_until_eof(c, slot->buffer);
  if (slot->close_watch.pending()) co_await slot->close_watch.settle();
}

// A TLS connection's handshake, bounded by the header timeout, before its
// first request; a failed one closes at once.
asio::awaitable<void> accept_tls_then_serve(std::unique_ptr<ClientConnection> connection) {
  ClientConnection& c = *connection;
  const SteadyTime deadline =
      SteadyClock::now() + c.worker.runtime()->config().server.limits.header_timeout;
  const bool accepted = co_await tls_accept(c.socket, *c.tls, c.watch, deadline);
  if (!accepted) {
    boost::system::error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
  }
  if (c.tls->facts().h2) {
    co_await serve_h2(std::move(connection), {});
    co_return;
  }
  co_await serve(std::move(connection));
}

}  // namespace

ConnectionCount::ConnectionCount(Worker& worker) : worker_(worker) {
  worker_.shared().active_connections.fetch_add(1, std::memory_order_relaxed);
  if (auto* gauge = worker_.shared().connections_gauge) gauge->add(1);
}

ConnectionCount::~ConnectionCount() {
  worker_.shared().active_connections.fetch_sub(1, std::memory_order_relaxed);
  if (auto* gauge = worker_.shared().connections_gauge) gauge->add(-1);
  worker_.connection_closed();
}

ClientConnection::ClientConnection(Worker& owner, tcp::socket accepted)
    : worker(owner), count(owner), socket(std::move(accepted)), watch(owner.sweeper()) {}

void describe_tls(const ClientConnection& connection, stage::RequestContext& ctx) {
  if (connection.tls == nullptr) return;
  const tls::SessionFacts& facts = connection.tls->facts();
  ctx.tls = true;
  ctx.tls_version = facts.version;
  ctx.tls_cipher = facts.cipher;
  ctx.tls_sni = facts.sni;
  ctx.tls_client_subject = facts.client_subject;
  ctx.tls_client_fingerprint = facts.client_fingerprint;
}

void start_client(Worker& worker, tcp::socket socket, std::size_t listener) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;
  auto connection = std::make_unique<ClientConnection>(worker, std::move(socket));
  connection->peer = to_v6_bytes(peer.address());
  connection->peer_text = security::format_ip(connection->peer);
  connection->listener = static_cast<std::uint16_t>(listener);
  const auto& listeners = worker.runtime()->config().server.listen;
  const bool http2 = listener < listeners.size() && listeners[listener].http2;
  if (const std::shared_ptr<const tls::ServerContext>& context = worker.tls_context(listener)) {
    // OpenSSL reads and writes the socket itself: it must never block.
    connection->socket.non_blocking(true, ec);
    if (!ec)
      connection->tls = tls::ServerContext::accept(context, connection->socket.native_handle());
    if (connection->tls == nullptr) return;
    asio::co_spawn(worker.io(), accept_tls_then_serve(std::move(connection)), asio::detached);
    return;
  }
  connection->h2c = http2;
  asio::co_spawn(worker.io(), serve(std::move(connection)), asio::detached);
}

}  // namespace centinela::net
