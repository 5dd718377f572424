#include "redis/stream.h"

#include <openssl/x509.h>

#include <boost/asio/ssl/error.hpp>

#include "redis/asio_names.h"
#include "redis/reconnect.h"
#include "tls/client_context.h"

namespace centinela::redis {
namespace {

// OpenSSL's reason, with the certificate check's own when that is what failed
// ("certificate verify failed: unable to get local issuer certificate").
std::string handshake_failure(const boost::system::error_code& ec, SSL* ssl, bool verifying) {
  std::string reason = "tls handshake: " + ec.message();
  const long verify = SSL_get_verify_result(ssl);
  if (verifying && verify != X509_V_OK) {
    reason += std::string(": ") + X509_verify_cert_error_string(verify);
  }
  return reason;
}

}  // namespace

Stream::Stream(asio::io_context& io, const config::RedisConfig& cfg,
               std::shared_ptr<const TlsSetup> tls)
    : socket_(io), setup_(std::move(tls)) {
  if (cfg.tls && !setup_) {
    setup_ = make_tls_setup(*cfg.tls, nullptr, setup_error_);
    if (!setup_) setup_error_ = "redis.tls: " + setup_error_;
  }
}

Stream::~Stream() { close(); }

asio::awaitable<std::string> Stream::open(tcp::resolver& resolver, const config::RedisConfig& cfg,
                                          std::function<bool()> abandoned) {
  close();
  tls_.reset();  // operations still in flight on it keep it until they end
  if (!setup_error_.empty()) co_return setup_error_;
  std::string failure = co_await open_connection(socket_, resolver, cfg, abandoned);
  if (!failure.empty() || !setup_) co_return failure;
  co_return co_await handshake(cfg, abandoned);
}

asio::awaitable<std::string> Stream::handshake(const config::RedisConfig& cfg,
                                               std::function<bool()>& abandoned) {
  const tls::ClientContext& context = *setup_->context;
  // The SSL stream takes the connected socket; socket_ stays, closed, for
  // the next connection.
  auto stream = std::make_shared<TlsStream>(std::move(socket_), setup_->context->context());
  tls_ = stream;
  SSL* ssl = stream->native_handle();
  if (std::string problem = context.prepare(ssl, cfg.host); !problem.empty()) {
    co_return "tls: " + problem;
  }
  if (session_) SSL_set_session(ssl, session_.get());
  auto [ec] = co_await stream->async_handshake(asio::ssl::stream_base::client, as_tuple_awaitable);
  if (abandoned()) co_return "abandoned";
  if (ec) co_return handshake_failure(ec, ssl, context.config().verify);
  co_return std::string();
}

void Stream::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (!tls_) return;
  SSL* ssl = tls_->native_handle();
  // Taken at the end rather than after the handshake: a TLS 1.3 server sends
  // its session tickets after the handshake, read with the first replies.
  if (SSL_is_init_finished(ssl)) {
    if (SSL_SESSION* session = SSL_get1_session(ssl)) {
      if (SSL_SESSION_is_resumable(session)) {
        session_.reset(session);
      } else {
        SSL_SESSION_free(session);
      }
    }
  }
  tls_->lowest_layer().close(ignored);
}

}  // namespace centinela::redis
