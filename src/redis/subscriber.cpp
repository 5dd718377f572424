#include "redis/subscriber.h"

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "redis/asio_names.h"
#include "redis/command_encoding.h"
#include "redis/reconnect.h"
#include "redis/reply_reader.h"
#include "redis/stream.h"

namespace centinela::redis {

using namespace std::chrono_literals;

namespace {

// A subscribed connection only ever receives, so a Redis that died without
// closing it (a stopped host, a lost route) would look quiet forever: ping
// it, and give up on it when nothing at all came back for a while.
constexpr auto kPingInterval = std::chrono::seconds(1);
constexpr auto kSilenceLimit = std::chrono::seconds(3);
constexpr auto kWatchInterval = std::chrono::milliseconds(100);

bool is_push(const Reply& reply, std::string_view kind) {
  return reply.type == Reply::Type::array && !reply.elements.empty() &&
         reply.elements[0].type == Reply::Type::string && reply.elements[0].str == kind;
}

}  // namespace

class Subscriber::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::io_context& io, const config::RedisConfig& cfg, std::shared_ptr<const TlsSetup> tls,
          std::string channel, MessageHandler on_message, ConnectedHandler on_connected)
      : io_(io),
        cfg_(cfg),
        handshake_limit_(std::max<Clock::duration>(
            std::chrono::duration_cast<Clock::duration>(cfg.timeout), 1s)),
        channel_(std::move(channel)),
        on_message_(std::move(on_message)),
        on_connected_(std::move(on_connected)),
        stream_(io, cfg, std::move(tls)),
        resolver_(io),
        watch_timer_(io),
        reconnect_(io, {.endpoint = endpoint_name(cfg_),
                        .channel = channel_,
                        .up = "redis subscribed",
                        .lost = "redis subscription lost",
                        .failed = "redis subscribe failed"}) {}

  void start() {
    asio::co_spawn(io_, run(shared_from_this()), asio::detached);
    asio::co_spawn(io_, watch(shared_from_this()), asio::detached);
  }

  bool subscribed() const { return subscribed_.load(std::memory_order_relaxed); }

  void close() {
    if (closed_) return;
    closed_ = true;
    subscribed_.store(false, std::memory_order_relaxed);
    resolver_.cancel();
    stream_.close();
    reconnect_.cancel();
    watch_timer_.cancel();
  }

 private:
  enum class Phase { idle, handshaking, subscribed };

  static asio::awaitable<void> run(std::shared_ptr<Session> self) {
    Session& s = *self;
    // Named, not temporaries: GCC 12 destroys a co_await's temporary
    // arguments twice.
    std::function<asio::awaitable<std::string>()> next = [self] { return attempt(self); };
    std::function<bool()> closed = [&s] { return s.closed_; };
    co_await s.reconnect_.run(std::move(next), std::move(closed));
  }

  static asio::awaitable<std::string> attempt(std::shared_ptr<Session> self) {
    Session& s = *self;
    std::string reason = co_await s.session();
    s.phase_ = Phase::idle;
    s.subscribed_.store(false, std::memory_order_relaxed);
    s.stream_.close();
    co_return reason;
  }

  // Why the connection ended when watch() cut it, else `otherwise`.
  std::string end_reason(std::string otherwise) {
    if (closed_) return "closed";
    if (!dropped_because_.empty()) return std::exchange(dropped_because_, {});
    return otherwise;
  }

  // One connection, from connecting to its end; returns why it ended.
  asio::awaitable<std::string> session() {
    phase_ = Phase::handshaking;
    dropped_because_.clear();
    deadline_ = Clock::now() + handshake_limit_;
    std::function<bool()> abandoned = [this] { return closed_ || !dropped_because_.empty(); };
    const std::string failure = co_await stream_.open(resolver_, cfg_, std::move(abandoned));
    if (!failure.empty()) co_return end_reason(failure);

    // AUTH, SELECT and SUBSCRIBE in one write; their replies come in order.
    std::string out;
    const std::vector<Command> handshake = handshake_commands(cfg_);
    for (const Command& command : handshake) append_command(out, command);
    append_command(out, {"SUBSCRIBE", channel_});
    auto [write_ec, written] = co_await stream_.async_write(asio::buffer(out), as_tuple_awaitable);
    if (write_ec) co_return end_reason("write: " + write_ec.message());
    last_read_ = Clock::now();
    co_return co_await read_replies(handshake.size());
  }

  // The handshake's `status_replies`, then SUBSCRIBE's confirmation and the
  // messages, until the connection ends; returns why it ended.
  asio::awaitable<std::string> read_replies(std::size_t status_replies) {
    ReplyReader reader;
    Reply reply;
    for (;;) {
      auto [read_ec, length] =
          co_await stream_.async_read_some(asio::buffer(read_buffer_), as_tuple_awaitable);
      if (closed_) co_return "closed";
      if (read_ec) {
        co_return end_reason(read_ec == asio::error::eof ? "closed by redis" : read_ec.message());
      }
      last_read_ = Clock::now();
      auto status = reader.feed(std::string_view(read_buffer_.data(), length));
      while (status != ReplyReader::Status::broken &&
             (status = reader.next(reply)) == ReplyReader::Status::reply) {
        if (status_replies > 0) {
          --status_replies;
          if (reply.type != Reply::Type::status) {
            co_return "AUTH/SELECT/PING failed: " + reply.str;
          }
        } else if (is_push(reply, "message")) {
          if (reply.elements.size() == 3 && reply.elements[1].str == channel_ &&
              reply.elements[2].type == Reply::Type::string && on_message_) {
            on_message_(reply.elements[2].str);
            // The handler may have closed us.
            if (closed_) co_return "closed";
          }
        } else if (is_push(reply, "subscribe")) {
          phase_ = Phase::subscribed;
          subscribed_.store(true, std::memory_order_relaxed);
          reconnect_.up();
          if (on_connected_) {
            on_connected_();
            if (closed_) co_return "closed";
          }
        } else if (is_push(reply, "pong")) {
          // The keep-alive answered; last_read_ is already fresh.
        } else if (reply.is_error()) {
          co_return "redis: " + reply.str;
        } else {
          co_return "unexpected reply on a subscribed connection";
        }
        reply = Reply{};
      }
      if (status == ReplyReader::Status::broken) {
        co_return "bad reply: " + std::string(reader.error());
      }
    }
  }

  // Enforces the handshake deadline, pings a subscribed connection and drops
  // one that went silent: closing the socket ends session()'s read.
  static asio::awaitable<void> watch(std::shared_ptr<Session> self) {
    Session& s = *self;
    static const std::string kPing = [] {
      std::string out;
      append_command(out, {"PING"});
      return out;
    }();
    Clock::time_point last_ping{};
    while (!s.closed_) {
      s.watch_timer_.expires_after(kWatchInterval);
      co_await s.watch_timer_.async_wait(as_tuple_awaitable);
      if (s.closed_) co_return;
      Clock::time_point now = Clock::now();
      if (s.phase_ == Phase::handshaking && now >= s.deadline_) {
        s.dropped_because_ = "no answer within the timeout";
        s.resolver_.cancel();
        s.stream_.close();
      } else if (s.phase_ == Phase::subscribed) {
        if (now - s.last_read_ >= kSilenceLimit) {
          s.dropped_because_ = "silent (no answer to PING)";
          s.stream_.close();
        } else if (now - last_ping >= kPingInterval && !s.ping_in_flight_) {
          last_ping = now;
          s.ping_in_flight_ = true;
          s.stream_.async_write(
              asio::buffer(kPing),
              [self](boost::system::error_code, std::size_t) { self->ping_in_flight_ = false; });
        }
      }
    }
  }

  asio::io_context& io_;
  const config::RedisConfig cfg_;  // host, port, password, db
  const Clock::duration handshake_limit_;
  const std::string channel_;
  const MessageHandler on_message_;
  const ConnectedHandler on_connected_;

  Stream stream_;
  tcp::resolver resolver_;
  asio::steady_timer watch_timer_;
  ReconnectLoop reconnect_;

  bool closed_ = false;
  std::atomic<bool> subscribed_{false};
  Phase phase_ = Phase::idle;
  Clock::time_point deadline_{};
  Clock::time_point last_read_{};
  bool ping_in_flight_ = false;
  std::string dropped_because_;  // set by watch() when it cut a connection
  std::array<char, 16 * 1024> read_buffer_{};
};

Subscriber::Subscriber(asio::io_context& io, const config::RedisConfig& cfg, std::string channel,
                       MessageHandler on_message, ConnectedHandler on_connected,
                       std::shared_ptr<const TlsSetup> tls)
    : session_(std::make_shared<Session>(io, cfg, std::move(tls), std::move(channel),
                                         std::move(on_message), std::move(on_connected))) {
  session_->start();
}

Subscriber::~Subscriber() { close(); }

bool Subscriber::subscribed() const { return session_->subscribed(); }

void Subscriber::close() { session_->close(); }

}  // namespace centinela::redis
