// One TLS connection's OpenSSL state over a non-blocking socket that
// OpenSSL reads and writes itself (a socket BIO: no copy through a BIO pair,
// and "nothing buffered" is exactly SSL_has_pending). net/stream.h drives it
// with readiness waits; this holds what lives as long as the connection.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <vector>

namespace centinela::tls {

class ServerContext;

struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// What the handshake settled, kept for the access log and identity.
struct SessionFacts {
  std::string version;             // "TLSv1.3"
  std::string cipher;              // OpenSSL's name of the cipher suite
  std::string sni;                 // the server name the client asked for ("" when none)
  std::string client_subject;      // the verified client certificate's subject (RFC 2253), mTLS
  std::string client_fingerprint;  // its SHA-256 over the DER, lower-case hex (64 chars)
  bool resumed = false;
  bool h2 = false;  // ALPN chose HTTP/2
};

class Session {
 public:
  Session(std::unique_ptr<SSL, SslFree> ssl, std::shared_ptr<const ServerContext> context);

  SSL* ssl() const { return ssl_.get(); }
  const ServerContext& context() const { return *context_; }

  // Decrypted or received bytes OpenSSL holds that no read has taken: while
  // there are any, a readiness wait on the socket could sleep forever.
  bool has_pending() const { return SSL_has_pending(ssl_.get()) == 1; }

  // Gather writes are copied here (up to one record) so that several small
  // buffers leave as one record; kept unchanged while a write is retried.
  std::vector<char>& scratch() { return scratch_; }
  // A connection going idle (parking) gives back the scratch and OpenSSL's
  // record buffers (SSL_free_buffers; they come back with the next read).
  // Busy connections keep theirs: no allocation per request.
  void release_idle_memory();

  // After the handshake: what it settled.
  void learn_facts();
  const SessionFacts& facts() const { return facts_; }

  // Sends close_notify when it can go out at once; never waits for the
  // peer's.
  void close_notify();

 private:
  std::unique_ptr<SSL, SslFree> ssl_;
  std::shared_ptr<const ServerContext> context_;  // its SSL_CTX and certificates outlive the SSL
  std::vector<char> scratch_;
  SessionFacts facts_;
};

}  // namespace centinela::tls
