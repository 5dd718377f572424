#include "redis/client.h"

#include <array>
#include <atomic>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <deque>
#include <string_view>
#include <utility>

#include "redis/asio_names.h"
#include "redis/client_metrics.h"
#include "redis/command_encoding.h"
#include "redis/reconnect.h"
#include "redis/reply_reader.h"
#include "redis/stream.h"

namespace centinela::redis {

using namespace std::chrono_literals;

namespace {

// One timer per client checks every deadline, instead of a timer per command.
constexpr auto kSweepInterval = std::chrono::milliseconds(50);
// Commands in flight on one connection beyond this are refused: a Redis that
// stopped answering must not make a worker queue without bound.
constexpr std::size_t kMaxPending = 65536;

}  // namespace

class Client::Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, const config::RedisConfig& cfg,
             std::shared_ptr<const TlsSetup> tls)
      : io_(io),
        cfg_(cfg),
        timeout_(std::chrono::duration_cast<Clock::duration>(cfg.timeout)),
        connect_timeout_(std::max<Clock::duration>(timeout_, 1s)),
        // A connection whose oldest command is this late is hung (e.g. a
        // stopped server): drop it and let reconnecting find out.
        stall_limit_(std::max<Clock::duration>(4 * timeout_, 1s)),
        stream_(io, cfg, std::move(tls)),
        resolver_(io),
        sweep_timer_(io),
        reconnect_(io, {.endpoint = endpoint_name(cfg_),
                        .up = "redis connected",
                        .lost = "redis connection lost",
                        .failed = "redis unavailable"}),
        metrics_(ClientMetrics::get()) {
    metrics_.client_opened();
  }

  void start() {
    asio::co_spawn(io_, sweep(shared_from_this()), asio::detached);
    asio::co_spawn(io_, run(shared_from_this()), asio::detached);
  }

  // `args` must stay alive until the returned awaitable completes.
  static asio::awaitable<std::optional<Reply>> send(std::shared_ptr<Connection> self,
                                                    const std::vector<std::string>& args,
                                                    bool handshake) {
    co_return co_await send_encoded(
        std::move(self), [&args](std::string& out) { append_command(out, args); }, handshake);
  }

  // Queues the command `encode(out)` appends to the output, in RESP, and
  // waits for its reply. What `encode` reads must stay alive until the
  // returned awaitable completes.
  template <typename Encode>
  static asio::awaitable<std::optional<Reply>> send_encoded(std::shared_ptr<Connection> self,
                                                            Encode encode, bool handshake) {
    Connection& c = *self;
    bool accepting = c.state_ == State::ready || (handshake && c.state_ == State::handshaking);
    if (!accepting || c.pending_.size() >= kMaxPending) {
      c.metrics_.unavailable.inc();
      co_return std::nullopt;
    }
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                            void(std::optional<Reply>)>(
        [&c, &encode](auto handler) {
          encode(c.out_);
          c.pending_.push_back(Pending{Handler(std::move(handler)), Clock::now() + c.timeout_});
          c.schedule_flush();
        },
        asio::use_awaitable);
  }

  bool connected() const { return connected_.load(std::memory_order_relaxed); }
  std::string down_reason() const { return connected() ? std::string() : dropped_because_; }

  void close() {
    if (state_ == State::closed) return;
    bool was_ready = state_ == State::ready;
    state_ = State::closed;
    ++generation_;
    shut_socket();
    reconnect_.cancel();
    sweep_timer_.cancel();
    fail_pending(metrics_.unavailable);
    connected_.store(false, std::memory_order_relaxed);
    metrics_.client_closed(was_ready);
  }

 private:
  enum class State { connecting, handshaking, ready, down, closed };
  bool flush_scheduled_ = false;
  using Handler = asio::any_completion_handler<void(std::optional<Reply>)>;
  // A command sent and not yet answered by Redis. Its handler is empty once
  // the caller got its answer early (timeout); the entry stays until Redis's
  // late reply arrives, so the following replies still match their commands.
  struct Pending {
    Handler handler;
    Clock::time_point deadline;
  };

  // Answers outside the current call stack, so the resumed caller can never
  // re-enter the loop that is delivering replies.
  void finish(Handler handler, std::optional<Reply> reply) {
    asio::post(io_, asio::append(std::move(handler), std::move(reply)));
  }

  void fail_pending(observe::Counter& outcome) {
    for (Pending& pending : pending_) {
      if (!pending.handler) continue;
      outcome.inc();
      finish(std::move(pending.handler), std::nullopt);
    }
    pending_.clear();
  }

  void shut_socket() {
    resolver_.cancel();
    stream_.close();
    reader_.reset();
    out_.clear();
    write_in_flight_ = false;
  }

  static asio::awaitable<void> run(std::shared_ptr<Connection> self) {
    Connection& c = *self;
    // Named, not temporaries: GCC 12 destroys a co_await's temporary
    // arguments twice.
    std::function<asio::awaitable<std::string>()> next = [self] { return attempt(self); };
    std::function<bool()> closed = [&c] { return c.state_ == State::closed; };
    co_await c.reconnect_.run(std::move(next), std::move(closed));
  }

  // One connection from its first packet to its end; returns why it ended.
  static asio::awaitable<std::string> attempt(std::shared_ptr<Connection> self) {
    Connection& c = *self;
    const std::uint64_t generation = ++c.generation_;
    c.state_ = State::connecting;
    c.connect_deadline_ = Clock::now() + c.connect_timeout_;
    std::function<bool()> abandoned = [&c, generation] { return c.stale(generation); };
    const std::string failure = co_await c.stream_.open(c.resolver_, c.cfg_, std::move(abandoned));
    if (!failure.empty()) {
      c.drop(generation, failure);
      co_return c.end_reason();
    }
    c.reader_ = std::make_unique<ReplyReader>();
    c.state_ = State::handshaking;
    asio::co_spawn(c.io_, handshake(self, generation), asio::detached);
    co_await read_replies(self, generation);
    co_return c.end_reason();
  }

  bool stale(std::uint64_t generation) const { return generation != generation_; }

  std::string end_reason() const { return state_ == State::closed ? "closed" : dropped_because_; }

  // The connection (or the attempt) `generation` failed: answer its pending
  // commands; the reconnect loop tries again later. Later failures of an
  // older generation are ignored.
  void drop(std::uint64_t generation, std::string_view reason) {
    if (generation != generation_ || state_ == State::closed || state_ == State::down) return;
    bool was_ready = state_ == State::ready;
    state_ = State::down;
    ++generation_;
    dropped_because_.assign(reason);
    shut_socket();
    fail_pending(metrics_.error);
    if (was_ready) {
      connected_.store(false, std::memory_order_relaxed);
      metrics_.client_disconnected();
    }
  }

  void become_ready() {
    state_ = State::ready;
    connected_.store(true, std::memory_order_relaxed);
    metrics_.client_connected();
    reconnect_.up();
  }

  // AUTH and SELECT through the command queue (their replies come to
  // read_replies like any other), then the connection is ready.
  static asio::awaitable<void> handshake(std::shared_ptr<Connection> self,
                                         std::uint64_t generation) {
    Connection& c = *self;
    const std::vector<Command> commands = handshake_commands(c.cfg_);
    for (const Command& command : commands) {
      auto reply = co_await send(self, command, /*handshake=*/true);
      if (c.stale(generation)) co_return;
      if (!reply || reply->type != Reply::Type::status) {
        c.drop(generation,
               command[0] + " failed: " + (reply ? reply->str : std::string("no reply")));
        co_return;
      }
    }
    c.become_ready();
  }

  static asio::awaitable<void> read_replies(std::shared_ptr<Connection> self,
                                            std::uint64_t generation) {
    Connection& c = *self;
    Reply reply;
    for (;;) {
      auto [ec, length] =
          co_await c.stream_.async_read_some(asio::buffer(c.read_buffer_), as_tuple_awaitable);
      if (generation != c.generation_) co_return;
      if (ec) {
        c.drop(generation, ec == asio::error::eof ? "closed by redis" : ec.message());
        co_return;
      }
      auto status = c.reader_->feed(std::string_view(c.read_buffer_.data(), length));
      while (status != ReplyReader::Status::broken &&
             (status = c.reader_->next(reply)) == ReplyReader::Status::reply) {
        if (c.pending_.empty()) {
          c.drop(generation, "a reply to no command");
          co_return;
        }
        Pending answered = std::move(c.pending_.front());
        c.pending_.pop_front();
        if (!answered.handler) continue;  // late reply to a timed-out command
        (reply.is_error() ? c.metrics_.error : c.metrics_.ok).inc();
        c.finish(std::move(answered.handler), std::move(reply));
        reply = Reply{};
      }
      if (status == ReplyReader::Status::broken) {
        c.drop(generation, "bad reply: " + std::string(c.reader_->error()));
        co_return;
      }
    }
  }

  // Flushes once the handlers already queued on the io_context have run, so
  // the commands of every request served in this turn of the loop leave in
  // one write (one syscall for a batch, not one per request).
  void schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    asio::post(io_, [self = shared_from_this()] {
      self->flush_scheduled_ = false;
      self->flush();
    });
  }

  // Writes what commands queued meanwhile in one write; commands issued
  // while a write is in flight go in the next one (pipelining).
  void flush() {
    if (write_in_flight_ || out_.empty()) return;
    std::swap(out_, writing_);
    out_.clear();
    write_in_flight_ = true;
    stream_.async_write(asio::buffer(writing_),
                        [self = shared_from_this(), generation = generation_](
                            boost::system::error_code ec, std::size_t) {
                          if (generation != self->generation_) return;
                          self->write_in_flight_ = false;
                          if (ec) {
                            self->drop(generation, "write: " + ec.message());
                            return;
                          }
                          self->flush();
                        });
  }

  static asio::awaitable<void> sweep(std::shared_ptr<Connection> self) {
    Connection& c = *self;
    while (c.state_ != State::closed) {
      c.sweep_timer_.expires_after(kSweepInterval);
      co_await c.sweep_timer_.async_wait(as_tuple_awaitable);
      if (c.state_ == State::closed) co_return;
      c.expire(Clock::now());
    }
  }

  void expire(Clock::time_point now) {
    if (state_ == State::connecting && now >= connect_deadline_) {
      drop(generation_, "connect timed out");
      return;
    }
    // Every command gets the same timeout, so deadlines grow along the queue.
    for (Pending& pending : pending_) {
      if (pending.deadline > now) break;
      if (!pending.handler) continue;
      metrics_.timeout.inc();
      finish(std::move(pending.handler), std::nullopt);
      pending.handler = nullptr;
    }
    if (!pending_.empty() && now - pending_.front().deadline >= stall_limit_) {
      drop(generation_, "no reply from redis");
    }
  }

  asio::io_context& io_;
  const config::RedisConfig cfg_;  // host, port, password, db
  const Clock::duration timeout_;
  const Clock::duration connect_timeout_;
  const Clock::duration stall_limit_;

  Stream stream_;
  tcp::resolver resolver_;
  asio::steady_timer sweep_timer_;
  ReconnectLoop reconnect_;
  ClientMetrics& metrics_;

  State state_ = State::down;
  std::atomic<bool> connected_{false};
  // Bumped whenever a connection attempt starts or ends, so the callbacks
  // and coroutines of an older connection recognise they are stale.
  std::uint64_t generation_ = 0;
  Clock::time_point connect_deadline_{};
  std::string dropped_because_;  // why the last connection ended

  std::unique_ptr<ReplyReader> reader_;
  std::deque<Pending> pending_;
  std::string out_;      // encoded commands not written yet
  std::string writing_;  // the batch being written
  bool write_in_flight_ = false;
  std::array<char, 16 * 1024> read_buffer_{};
};

Client::Client(asio::io_context& io, const config::RedisConfig& cfg,
               std::shared_ptr<const TlsSetup> tls)
    : connection_(std::make_shared<Connection>(io, cfg, std::move(tls))) {
  connection_->start();
}

Client::~Client() { connection_->close(); }

asio::awaitable<std::optional<Reply>> Client::command(std::vector<std::string> args) {
  co_return co_await Connection::send(connection_, args, /*handshake=*/false);
}

asio::awaitable<std::optional<Reply>> Client::eval(const Script& script,
                                                   std::vector<std::string> keys,
                                                   std::vector<std::string> args) {
  EncodedArgs encoded_keys;
  EncodedArgs encoded_args;
  for (const std::string& key : keys) encoded_keys.add(key);
  for (const std::string& arg : args) encoded_args.add(arg);
  co_return co_await eval_encoded(script, encoded_keys, encoded_args);
}

asio::awaitable<std::optional<Reply>> Client::eval_encoded(const Script& script,
                                                           const EncodedArgs& keys,
                                                           const EncodedArgs& args) {
  // EVALSHA sha numkeys KEYS... ARGV..., or EVAL with the source instead.
  auto encoder = [&keys, &args](std::string_view verb, std::string_view body) {
    return [&keys, &args, verb, body](std::string& out) {
      char digits[24];
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, keys.count());
      const std::string_view key_count(digits, static_cast<std::size_t>(end - digits));
      append_resp_header(out, '*', 3 + keys.count() + args.count());
      for (std::string_view arg : {verb, body, key_count}) {
        append_resp_header(out, '$', arg.size());
        out += arg;
        out += "\r\n";
      }
      out += keys.bytes();
      out += args.bytes();
    };
  };
  std::shared_ptr<Connection> connection = connection_;
  auto reply = co_await Connection::send_encoded(connection, encoder("EVALSHA", script.sha1()),
                                                 /*handshake=*/false);
  if (reply && reply->is_error() && std::string_view(reply->str).starts_with("NOSCRIPT")) {
    reply = co_await Connection::send_encoded(connection, encoder("EVAL", script.source()),
                                              /*handshake=*/false);
  }
  co_return reply;
}

bool Client::connected() const { return connection_->connected(); }

std::string Client::down_reason() const { return connection_->down_reason(); }

void Client::close() { connection_->close(); }

}  // namespace centinela::redis
