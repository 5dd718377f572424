#include "net/tunnel.h"

#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <optional>

#include "net/worker.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

// A client's close frame must be masked (RFC 6455 §5.3); a key that is not
// guessable ahead is enough for the one frame the gateway writes.
std::uint32_t frame_mask() {
  const auto ticks = static_cast<std::uint64_t>(SteadyClock::now().time_since_epoch().count());
  return static_cast<std::uint32_t>((ticks * 0x9E3779B97F4A7C15ull) >> 32);
}

std::string_view as_view(const beast::flat_buffer& buffer) {
  auto data = buffer.data();
  return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace

struct Tunnel::Direction {
  Direction(TunnelSide& source, TunnelSide& sink, bool toward_client, Worker& worker,
            std::uint64_t& delivered_bytes)
      : from(source),
        to(sink),
        to_client(toward_client),
        chunks(worker.chunks()),
        read_watch(worker.sweeper()),
        write_watch(worker.sweeper()),
        pending(as_view(source.buffered)),
        delivered(delivered_bytes) {}

  TunnelSide& from;
  TunnelSide& to;
  bool to_client;  // the close frame toward the client is unmasked
  // Reads wait in `quiet`; one that fills it means more is coming, and the
  // next reads go into a chunk until one leaves room, when it goes back to
  // the pool. Most tunnels carry small messages now and then: between them
  // they hold kQuietRead bytes a direction instead of a chunk.
  static constexpr std::size_t kQuietRead = 2048;
  std::array<char, kQuietRead> quiet{};
  ChunkPool& chunks;
  std::optional<ChunkPool::Lease> chunk;
  bool streaming = false;  // the last read filled its buffer
  DeadlineWatch read_watch;
  DeadlineWatch write_watch;
  std::string_view pending;  // read, not yet written: in `chunk`, or what came with the head
  wire::WebSocketFrameTracker frames;  // of what was written to `to`
  std::uint64_t& delivered;
  bool goodbye_said = false;
};

Tunnel::Tunnel(Worker& worker, TunnelSide client, TunnelSide upstream,
               std::chrono::milliseconds idle_timeout)
    : worker_(worker),
      client_(client),
      upstream_(upstream),
      idle_timeout_(idle_timeout),
      last_activity_(SteadyClock::now()) {
  worker_.tunnels().add(*this);
}

Tunnel::~Tunnel() { worker_.tunnels().remove(*this); }

asio::awaitable<TunnelTotals> Tunnel::run() {
  Direction inbound(client_, upstream_, false, worker_, totals_.client_to_upstream);
  Direction outbound(upstream_, client_, true, worker_, totals_.upstream_to_client);
  // The way back runs beside this coroutine; its end is signalled by
  // cancelling a timer that never expires by itself.
  bool outbound_done = false;
  asio::steady_timer outbound_end(worker_.io(), SteadyTime::max());
  asio::co_spawn(worker_.io(), relay(outbound), [&](const std::exception_ptr&) {
    outbound_done = true;
    outbound_end.cancel();
  });
  co_await relay(inbound);
  if (!outbound_done) co_await outbound_end.async_wait(use_nothrow);
  client_.buffered.consume(client_.buffered.size());
  upstream_.buffered.consume(upstream_.buffered.size());
  co_return totals_;
}

void Tunnel::go_away(SteadyTime deadline) {
  if (going_away_ || stopped_) return;
  going_away_ = true;
  going_away_by_ = deadline;
  // The waits end now; each direction then finishes its frame and says goodbye.
  boost::system::error_code ignored;
  client_.stream.socket().cancel(ignored);
  upstream_.stream.socket().cancel(ignored);
}

asio::awaitable<void> Tunnel::relay(Direction& d) {
  // (Each co_await on a line of its own: GCC 12 miscompiles some awaits
  // inside conditions.)
  bool going_on = true;
  while (going_on && !stopped_) {
    if (going_away_ && !d.goodbye_said && d.frames.at_boundary()) {
      co_await say_goodbye(d);
      d.pending = {};
    }
    if (d.pending.empty()) {
      going_on = co_await read_more(d);
      // After its goodbye a direction only reads until the peer closes.
      if (d.goodbye_said) d.pending = {};
    } else {
      going_on = co_await write_pending(d);
    }
  }
}

// False when this direction has ended (EOF, an error, a deadline).
asio::awaitable<bool> Tunnel::read_more(Direction& d) {
  // What came with the handshake's head has been written: its buffer's
  // memory (the upstream's is sized for response heads) goes now.
  if (d.from.buffered.capacity() != 0) {
    d.from.buffered.clear();
    d.from.buffered.shrink_to_fit();
  }
  if (d.streaming && !d.chunk) d.chunk.emplace(d.chunks.take());
  if (!d.streaming) d.chunk.reset();
  char* const into = d.chunk ? d.chunk->data() : d.quiet.data();
  const std::size_t room = d.chunk ? ChunkPool::Lease::size() : d.quiet.size();
  d.read_watch.arm(d.from.stream.socket(), deadline());
  auto [ec, n] = co_await read_some(d.from.stream, d.from.tls, asio::buffer(into, room));
  d.read_watch.disarm();
  if (!ec) {
    d.streaming = n == room;
    d.pending = {into, n};
    last_activity_ = SteadyClock::now();
    co_return true;
  }
  // A TLS peer that closes without close_notify ends its side all the same.
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    // Half-close: the other side hears the end, and may still answer.
    if (!d.goodbye_said) {
      d.to.stream.shutdown_send();
    }
    co_return false;
  }
  if (ec == asio::error::operation_aborted && goes_on()) co_return true;  // read again
  stop();
  co_return false;
}

// Writes what is pending, or while going away only up to the end of the
// frame under way. False when the tunnel stops.
asio::awaitable<bool> Tunnel::write_pending(Direction& d) {
  std::size_t size = d.pending.size();
  if (going_away_) size = std::min(size, d.frames.until_boundary(d.pending));
  d.write_watch.arm(d.to.stream.socket(), deadline());
  auto [ec, written] =
      co_await write_all(d.to.stream, d.to.tls, asio::buffer(d.pending.data(), size));
  d.write_watch.disarm();
  d.frames.feed(d.pending.substr(0, written));
  d.pending.remove_prefix(written);
  d.delivered += written;
  if (written != 0) last_activity_ = SteadyClock::now();
  if (!ec || (ec == asio::error::operation_aborted && goes_on())) co_return true;
  stop();
  co_return false;
}

// The close frame 1001 between two frames, then the end of this direction's
// writing.
asio::awaitable<void> Tunnel::say_goodbye(Direction& d) {
  d.goodbye_said = true;
  std::array<char, 8> frame{};
  const std::size_t size = wire::going_away_frame(!d.to_client, frame_mask(), frame);
  d.write_watch.arm(d.to.stream.socket(), going_away_by_);
  // Written or not, this direction is done writing.
  co_await write_all(d.to.stream, d.to.tls, asio::buffer(frame.data(), size));
  d.write_watch.disarm();
  d.to.stream.shutdown_send();
}

bool Tunnel::goes_on() const {
  if (stopped_) return false;
  const SteadyTime now = SteadyClock::now();
  if (going_away_ && now >= going_away_by_) return false;
  return now < last_activity_ + idle_timeout_;
}

SteadyTime Tunnel::deadline() const {
  const SteadyTime idle = last_activity_ + idle_timeout_;
  return going_away_ ? std::min(idle, going_away_by_) : idle;
}

void Tunnel::stop() {
  if (stopped_) return;
  stopped_ = true;
  // Whatever the other direction waits for ends now: an error on one side
  // is never left to the idle timeout of the other.
  boost::system::error_code ignored;
  client_.stream.socket().cancel(ignored);
  upstream_.stream.socket().cancel(ignored);
}

void TunnelList::add(Tunnel& tunnel) {
  tunnel.next_ = head_;
  if (head_ != nullptr) head_->prev_ = &tunnel;
  head_ = &tunnel;
}

void TunnelList::remove(Tunnel& tunnel) {
  if (tunnel.prev_ != nullptr) tunnel.prev_->next_ = tunnel.next_;
  if (tunnel.next_ != nullptr) tunnel.next_->prev_ = tunnel.prev_;
  if (head_ == &tunnel) head_ = tunnel.next_;
  tunnel.prev_ = tunnel.next_ = nullptr;
}

void TunnelList::go_away(SteadyTime deadline) {
  for (Tunnel* t = head_; t != nullptr; t = t->next_) t->go_away(deadline);
}

}  // namespace centinela::net
