// One TLS connection's OpenSSL state. OpenSSL writes the non-blocking
// socket itself (a BIO of ours that sends straight from its record buffer),
// but reads ciphertext from this session's input buffer, which the
// connection's Asio reads fill (net/stream.h): waiting for a record is then
// an ordinary socket read — no epoll_ctl per wait, as a readiness wait
// (async_wait) costs in Asio's reactor — and one read takes in as many
// records as have arrived, not a record header and then its body.
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <memory>
#include <span>
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
  // Over the non-blocking socket `fd` (not owned); `ok()` says whether
  // OpenSSL could be given its BIO.
  Session(std::unique_ptr<SSL, SslFree> ssl, std::shared_ptr<const ServerContext> context, int fd);
  Session(const Session&) = delete;  // the BIO points at it
  Session& operator=(const Session&) = delete;
  bool ok() const { return ssl_ != nullptr; }

  SSL* ssl() const { return ssl_.get(); }
  const ServerContext& context() const { return *context_; }

  // Received bytes OpenSSL has not taken in yet, or decrypted ones no read
  // has taken: while there are any, a wait on the socket could sleep
  // forever.
  bool has_pending() const {
    return input_end_ != input_begin_ || SSL_has_pending(ssl_.get()) == 1;
  }

  // Where the next socket read puts what the peer sent (never empty when
  // OpenSSL asked for more: it asks only once all input was taken), then
  // how much came.
  std::span<char> input_space();
  void received(std::size_t n) { input_end_ += n; }

  // Gather writes are copied here (up to one record) so that several small
  // buffers leave as one record; kept unchanged while a write is retried.
  std::vector<char>& scratch() { return scratch_; }
  // A connection going idle (parking) gives back the scratch, the input
  // buffer (when empty) and OpenSSL's record buffers (SSL_free_buffers; they
  // come back with the next read).
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
  std::unique_ptr<char[]> input_;  // allocated by the first read
  std::size_t input_begin_ = 0;    // OpenSSL has taken what is before it
  std::size_t input_end_ = 0;
  int fd_;
  SessionFacts facts_;

  friend struct SocketBio;
};

}  // namespace centinela::tls
