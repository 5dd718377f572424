// The TLS side of one client listener: an SSL_CTX built from its `tls:`
// settings at config load, on the main thread, and shared by every worker
// (an SSL_CTX is safe to use from several threads once built). A reload
// builds a new one; connections keep the one they were accepted with.
//
// Several certificates: the client's SNI picks the one whose names (SAN DNS
// entries, else the CN) match it, exactly or by wildcard; the first one is
// the default. TLS 1.2 and 1.3 only, a modern TLS 1.2 cipher list by default,
// ALPN http/1.1 (h2 once HTTP/2 is served), session tickets with the
// process's rotating keys (tls/ticket_keys.h), optional client certificates.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "config/listener_config.h"

namespace centinela::observe {
class Counter;
}

namespace centinela::tls {

class Session;

// Why a handshake failed: a small fixed set, a metric label.
enum class HandshakeFailure : std::uint8_t {
  timeout,           // the client did not finish in time
  closed,            // the client went away mid-handshake
  plaintext_http,    // an HTTP request sent to the TLS port
  version,           // no TLS version in common (TLS 1.1, or 1.2 under min_version 1.3)
  no_shared_cipher,  // no cipher in common
  client_cert,       // a client certificate missing or not verified (mTLS)
  protocol,          // anything else the TLS layer refused
  other,
  count_
};
const char* to_string(HandshakeFailure failure);

// What `centinela check` reports about one certificate.
struct CertificateReport {
  std::string file;
  std::time_t not_after = 0;
};

class ServerContext {
 public:
  // The context for a listener (`listener` names it in metrics: its
  // address as written), or null with `error` saying which file or setting is
  // wrong and why. `offer_h2`: ALPN offers h2 before http/1.1.
  static std::shared_ptr<ServerContext> make(const config::ListenerTlsConfig& cfg,
                                             const std::string& listener, bool offer_h2,
                                             std::string& error);
  ~ServerContext();
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  // A new server-side session over the (non-blocking) socket `fd`; null when
  // OpenSSL cannot make one.
  static std::unique_ptr<Session> accept(const std::shared_ptr<const ServerContext>& context,
                                         int fd);

  const std::vector<CertificateReport>& certificates() const { return reports_; }

  // Metrics: a handshake that succeeded (its version) or failed (why).
  void count_handshake(const SSL* ssl) const;
  void count_failure(HandshakeFailure failure) const;

  struct Certificate;  // one loaded certificate (key, chain, names)

 private:
  ServerContext() = default;
  static int select_certificate(SSL* ssl, void* self);

  SSL_CTX* ctx_ = nullptr;
  std::vector<std::unique_ptr<Certificate>> certificates_;
  std::vector<CertificateReport> reports_;
  observe::Counter* tls12_ = nullptr;
  observe::Counter* tls13_ = nullptr;
  std::array<observe::Counter*, static_cast<std::size_t>(HandshakeFailure::count_)> failures_{};
};

// Why the last handshake on this thread failed, from OpenSSL's error queue
// (emptied) and SSL_get_error's `ssl_error`.
HandshakeFailure classify_failure(int ssl_error);

}  // namespace centinela::tls
