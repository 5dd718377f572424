#include "net/upstream_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "net/upstream_pool.h"
#include "tls/client_context.h"
#include "tls/session_slot.h"

namespace centinela::net {
namespace {

using ReadSignature = void(boost::system::error_code, std::size_t);

// A direct read's handler: the bytes join the buffer, then the reader resumes.
template <typename Handler>
struct CommitThen {
  beast::flat_buffer* buffer;
  Handler handler;
  void operator()(boost::system::error_code ec, std::size_t n) {
    buffer->commit(n);
    std::move(handler)(ec, n);
  }
};

}  // namespace

// What the pending read and the connection share. The read's handler holds a
// reference, so it may complete after the connection is gone.
struct UpstreamConnection::Watch {
  explicit Watch(asio::io_context& io) : socket(io) {}

  enum class Phase : std::uint8_t {
    busy,   // an exchange owns the connection and its request is going out
    idle,   // in a pool
    taken,  // out of the pool, nothing written yet
  };

  UpstreamConnection* connection = nullptr;  // null once the connection is gone
  UpstreamPool* pool = nullptr;              // while idle
  Phase phase = Phase::busy;
  bool pending = false;      // the read is in flight
  bool has_result = false;   // it completed; nobody has collected the result
  bool heard_early = false;  // it completed while the connection was taken
  boost::system::error_code ec;
  std::size_t bytes = 0;
  asio::any_completion_handler<ReadSignature> waiter;  // the exchange, when it waits
  // The connection's transport: here, so that a pending read never outlives
  // what it reads from. `tls` (over `socket`) once start_tls() made it.
  tcp::socket socket;
  std::unique_ptr<TlsStream> tls;

  void complete(boost::system::error_code error, std::size_t n) {
    pending = false;
    if (connection == nullptr) return;  // closed meanwhile: error is operation_aborted
    connection->buffer_.commit(n);
    if (phase == Phase::idle) {
      // Anything heard while idle (a stray byte, the peer's close): the
      // stream is no longer provably clean. This destroys the connection.
      pool->evict(*connection);
      return;
    }
    if (phase == Phase::taken) heard_early = true;
    if (waiter) {
      auto handler = std::move(waiter);
      std::move(handler)(error, n);  // already on the connection's executor
      return;
    }
    has_result = true;
    ec = error;
    bytes = n;
  }

  // The read was destroyed unrun (the io_context is going away): so is the
  // coroutine waiting for it, which owns the connection.
  void abandon() {
    pending = false;
    auto handler = std::move(waiter);
  }
};

class UpstreamConnection::WatchHandler {
 public:
  explicit WatchHandler(std::shared_ptr<Watch> watch) : watch_(std::move(watch)) {}
  WatchHandler(WatchHandler&&) noexcept = default;
  WatchHandler& operator=(WatchHandler&&) = delete;
  WatchHandler(const WatchHandler&) = delete;
  WatchHandler& operator=(const WatchHandler&) = delete;
  ~WatchHandler() {
    if (watch_) watch_->abandon();
  }

  void operator()(boost::system::error_code ec, std::size_t n) {
    const std::shared_ptr<Watch> watch = std::move(watch_);
    watch->complete(ec, n);
  }

 private:
  std::shared_ptr<Watch> watch_;
};

UpstreamConnection::UpstreamConnection(asio::io_context& io)
    : watch_(std::make_shared<Watch>(io)), socket_(watch_->socket) {
  watch_->connection = this;
}

UpstreamConnection::~UpstreamConnection() {
  watch_->connection = nullptr;
  watch_->pool = nullptr;
  // Sessions still arriving have no slot to go to once the worker moves on.
  if (tls_ != nullptr) {
    SSL* ssl = tls_->native_handle();
    tls::SessionSlot::forget(ssl);
    // Closed on purpose, not broken: OpenSSL marks the session of a
    // connection freed without a shutdown as not resumable, which would
    // spoil the session the worker keeps for the next connection.
    SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  }
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::string UpstreamConnection::start_tls(tls::ClientContext& context, std::string_view host,
                                          tls::SessionSlot& sessions) {
  watch_->tls = std::make_unique<TlsStream>(socket_, context.context());
  tls_ = watch_->tls.get();
  SSL* ssl = tls_->native_handle();
  std::string problem = context.prepare(ssl, host);
  if (problem.empty()) sessions.attach(ssl);
  return problem;
}

asio::awaitable<std::tuple<boost::system::error_code>> UpstreamConnection::handshake() {
  return tls_->async_handshake(asio::ssl::stream_base::client, use_nothrow);
}

bool UpstreamConnection::resumed() const {
  return tls_ != nullptr && SSL_session_reused(tls_->native_handle()) == 1;
}

TlsFailure UpstreamConnection::handshake_failure(const boost::system::error_code& ec,
                                                 bool timed_out, std::string& detail) {
  detail = ec.message();
  if (timed_out) return TlsFailure::timeout;
  const long verified = tls_ != nullptr ? SSL_get_verify_result(tls_->native_handle()) : X509_V_OK;
  if (verified != X509_V_OK) {
    detail = X509_verify_cert_error_string(verified);
    if (verified == X509_V_ERR_HOSTNAME_MISMATCH || verified == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return TlsFailure::name;
    }
    return TlsFailure::certificate;
  }
  if (ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == asio::ssl::error::stream_truncated) {
    return TlsFailure::closed;
  }
  return TlsFailure::protocol;
}

void UpstreamConnection::watch(UpstreamPool& pool) {
  watch_->phase = Watch::Phase::idle;
  watch_->pool = &pool;
  watch_->heard_early = false;
  if (watch_->pending) return;
  watch_->pending = true;
  if (tls_ != nullptr) {
    tls_->async_read_some(buffer_.prepare(kFirstResponseRead), WatchHandler(watch_));
  } else {
    socket_.async_read_some(buffer_.prepare(kFirstResponseRead), WatchHandler(watch_));
  }
}

void UpstreamConnection::take() {
  watch_->phase = Watch::Phase::taken;
  watch_->pool = nullptr;
}

void UpstreamConnection::request_started() {
  if (watch_->phase == Watch::Phase::taken) watch_->phase = Watch::Phase::busy;
}

bool UpstreamConnection::heard_early() const { return watch_->heard_early; }

void UpstreamConnection::start_read(std::size_t max,
                                    asio::any_completion_handler<ReadSignature> handler) {
  Watch& watch = *watch_;
  if (watch.has_result) {
    watch.has_result = false;
    asio::post(socket_.get_executor(), asio::append(std::move(handler), watch.ec, watch.bytes));
  } else if (watch.pending) {
    // Swapped in: Boost 1.81's move assignment of any_completion_handler
    // recurses (it copies its argument as an lvalue).
    handler.swap(watch.waiter);
  } else if (tls_ != nullptr) {
    tls_->async_read_some(buffer_.prepare(max),
                          CommitThen<decltype(handler)>{&buffer_, std::move(handler)});
  } else {
    socket_.async_read_some(buffer_.prepare(max),
                            CommitThen<decltype(handler)>{&buffer_, std::move(handler)});
  }
}

}  // namespace centinela::net
