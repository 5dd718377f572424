// The TLS context of connections the gateway opens (to upstream servers, to
// Redis): built once per config load from a TlsClientConfig and shared by
// every worker — an SSL_CTX is safe to use from several threads, and sharing
// it shares its client session cache, so reconnections resume sessions.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "config/tls_client_config.h"

namespace centinela::tls {

class ClientContext {
 public:
  // The context for `cfg`, or null with `error` saying which file or setting
  // is wrong and why (OpenSSL's reason).
  static std::shared_ptr<ClientContext> make(const config::TlsClientConfig& cfg,
                                             std::string& error);

  boost::asio::ssl::context& context() { return context_; }
  const config::TlsClientConfig& config() const { return config_; }

  // Prepares a new connection to `host` (a name or an IP literal): SNI (the
  // configured `sni`, else `host` when it is a name) and, with `verify`, the
  // name or address the certificate must carry. Returns an empty string, or
  // why the connection cannot be set up.
  std::string prepare(SSL* ssl, std::string_view host) const;

  explicit ClientContext(const config::TlsClientConfig& cfg);

 private:
  config::TlsClientConfig config_;
  boost::asio::ssl::context context_;
};

// OpenSSL's reason for the last failure on this thread ("" when none), and
// the error queue emptied.
std::string last_openssl_error();

}  // namespace centinela::tls
