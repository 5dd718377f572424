#include "tls/server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "observe/metrics.h"
#include "tls/certificate_names.h"
#include "tls/client_context.h"
#include "tls/session.h"
#include "tls/ticket_keys.h"

namespace centinela::tls {

// Mozilla's "intermediate" TLS 1.2 list without DHE: forward secrecy and
// AEAD only. (TLS 1.3 suites are all modern; OpenSSL's default order.)
constexpr const char* kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

struct ServerContext::Certificate {
  X509* leaf = nullptr;
  EVP_PKEY* key = nullptr;
  STACK_OF(X509) * chain = nullptr;
  std::vector<std::string> names;

  ~Certificate() {
    X509_free(leaf);
    EVP_PKEY_free(key);
    sk_X509_pop_free(chain, X509_free);
  }
};

namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// The certificate, its chain and key from PEM files; empty with `error` set
// when a file cannot be read or the key is not the certificate's.
std::unique_ptr<ServerContext::Certificate> load_certificate(
    const config::TlsCertificateConfig& cfg, std::string& error) {
  auto out = std::make_unique<ServerContext::Certificate>();
  ERR_clear_error();
  std::unique_ptr<BIO, BioFree> cert_file(BIO_new_file(cfg.cert.c_str(), "r"));
  if (!cert_file) {
    error = "cannot read certificate file " + cfg.cert + ": " + last_openssl_error();
    return nullptr;
  }
  out->leaf = PEM_read_bio_X509(cert_file.get(), nullptr, nullptr, nullptr);
  if (out->leaf == nullptr) {
    error = "no PEM certificate in " + cfg.cert + ": " + last_openssl_error();
    return nullptr;
  }
  out->chain = sk_X509_new_null();
  while (X509* extra = PEM_read_bio_X509(cert_file.get(), nullptr, nullptr, nullptr)) {
    sk_X509_push(out->chain, extra);
  }
  ERR_clear_error();  // the end of the file reads as "no start line"
  std::unique_ptr<BIO, BioFree> key_file(BIO_new_file(cfg.key.c_str(), "r"));
  if (!key_file) {
    error = "cannot read key file " + cfg.key + ": " + last_openssl_error();
    return nullptr;
  }
  out->key = PEM_read_bio_PrivateKey(key_file.get(), nullptr, nullptr, nullptr);
  if (out->key == nullptr) {
    error = "no PEM private key in " + cfg.key + ": " + last_openssl_error();
    return nullptr;
  }
  if (X509_check_private_key(out->leaf, out->key) != 1) {
    ERR_clear_error();
    error = "key " + cfg.key + " does not match certificate " + cfg.cert;
    return nullptr;
  }
  out->names = certificate_names(out->leaf);
  return out;
}

std::time_t not_after(X509* certificate) {
  std::tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &when) != 1) return 0;
  return timegm(&when);
}

// ALPN: h2 first on a listener with `http2: true` (its argument non-null),
// then http/1.1: never announce a protocol the listener does not speak.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_size, const unsigned char* in,
                unsigned int in_size, void* offer_h2) {
  static constexpr unsigned char kH2[] = {2, 'h', '2'};
  static constexpr unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (offer_h2 != nullptr && SSL_select_next_proto(&selected, out_size, kH2, sizeof kH2, in,
                                                   in_size) == OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  if (SSL_select_next_proto(&selected, out_size, kHttp11, sizeof kHttp11, in, in_size) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;  // nothing in common: go on without ALPN
}

bool configure(SSL_CTX* ctx, const config::ListenerTlsConfig& cfg, bool offer_h2,
               std::string& error) {
  SSL_CTX_set_min_proto_version(ctx, cfg.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Writes may be partial and resumed from a copy (net/stream.h). (Not
  // SSL_MODE_RELEASE_BUFFERS: it frees and allocates the record buffers
  // around every record; a parking connection frees them once instead,
  // tls::Session::release_idle_memory.)
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  const std::string ciphers = cfg.ciphers.empty() ? kDefaultCiphers : cfg.ciphers;
  if (SSL_CTX_set_cipher_list(ctx, ciphers.c_str()) != 1) {
    error = "ciphers: no usable cipher in '" + ciphers + "': " + last_openssl_error();
    return false;
  }
  if (!cfg.ciphersuites.empty() && SSL_CTX_set_ciphersuites(ctx, cfg.ciphersuites.c_str()) != 1) {
    error = "ciphersuites: no usable suite in '" + cfg.ciphersuites + "': " + last_openssl_error();
    return false;
  }
  // Resumption by tickets only: no per-worker server session cache.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  static constexpr unsigned char kSessionContext[] = "centinela";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  if (cfg.session_tickets) {
    use_ticket_keys(ctx);
  } else {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
  }
  // Any non-null argument means "offer h2".
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, offer_h2 ? ctx : nullptr);
  if (cfg.client_auth != config::ClientAuth::none) {
    if (SSL_CTX_load_verify_locations(ctx, cfg.client_ca.c_str(), nullptr) != 1) {
      error = "cannot load client_ca " + cfg.client_ca + ": " + last_openssl_error();
      return false;
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(cfg.client_ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx, names);
    ERR_clear_error();
    int mode = SSL_VERIFY_PEER;
    if (cfg.client_auth == config::ClientAuth::required) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx, mode, nullptr);
  }
  return true;
}

}  // namespace

const char* to_string(HandshakeFailure failure) {
  switch (failure) {
    case HandshakeFailure::timeout:
      return "timeout";
    case HandshakeFailure::closed:
      return "closed";
    case HandshakeFailure::plaintext_http:
      return "plaintext_http";
    case HandshakeFailure::version:
      return "version";
    case HandshakeFailure::no_shared_cipher:
      return "no_shared_cipher";
    case HandshakeFailure::client_cert:
      return "client_cert";
    case HandshakeFailure::protocol:
      return "protocol";
    default:
      return "other";
  }
}

HandshakeFailure classify_failure(int ssl_error) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (ssl_error == SSL_ERROR_SYSCALL || ssl_error == SSL_ERROR_ZERO_RETURN) {
    return HandshakeFailure::closed;
  }
  if (ssl_error != SSL_ERROR_SSL || ERR_GET_LIB(code) != ERR_LIB_SSL) {
    return ssl_error == SSL_ERROR_SSL ? HandshakeFailure::protocol : HandshakeFailure::other;
  }
  switch (ERR_GET_REASON(code)) {
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
      return HandshakeFailure::plaintext_http;
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_WRONG_VERSION_NUMBER:
      return HandshakeFailure::version;
    case SSL_R_NO_SHARED_CIPHER:
      return HandshakeFailure::no_shared_cipher;
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
      return HandshakeFailure::client_cert;
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
      return HandshakeFailure::closed;
    default:
      return HandshakeFailure::protocol;
  }
}

ServerContext::~ServerContext() { SSL_CTX_free(ctx_); }

std::shared_ptr<ServerContext> ServerContext::make(const config::ListenerTlsConfig& cfg,
                                                   const std::string& listener, bool offer_h2,
                                                   std::string& error) {
  std::shared_ptr<ServerContext> made(new ServerContext());
  ERR_clear_error();
  made->ctx_ = SSL_CTX_new(TLS_server_method());
  if (made->ctx_ == nullptr) {
    error = "cannot create a TLS context: " + last_openssl_error();
    return nullptr;
  }
  for (const config::TlsCertificateConfig& certificate : cfg.certificates) {
    auto loaded = load_certificate(certificate, error);
    if (!loaded) return nullptr;
    made->reports_.push_back({certificate.cert, not_after(loaded->leaf)});
    made->certificates_.push_back(std::move(loaded));
  }
  if (made->certificates_.empty()) {
    error = "a TLS listener needs a certificate";
    return nullptr;
  }
  const Certificate& first = *made->certificates_.front();
  if (SSL_CTX_use_cert_and_key(made->ctx_, first.leaf, first.key, first.chain, 1) != 1) {
    error = "cannot use certificate " + cfg.certificates.front().cert + ": " + last_openssl_error();
    return nullptr;
  }
  if (!configure(made->ctx_, cfg, offer_h2, error)) return nullptr;
  SSL_CTX_set_cert_cb(made->ctx_, select_certificate, made.get());

  auto& registry = observe::Registry::global();
  static constexpr const char* kHandshakes = "centinela_tls_handshakes_total";
  static constexpr const char* kHandshakesHelp = "TLS handshakes completed by client listeners";
  made->tls12_ = &registry.counter(kHandshakes, kHandshakesHelp,
                                   {{"listener", listener}, {"version", "TLSv1.2"}});
  made->tls13_ = &registry.counter(kHandshakes, kHandshakesHelp,
                                   {{"listener", listener}, {"version", "TLSv1.3"}});
  for (std::size_t i = 0; i < made->failures_.size(); ++i) {
    made->failures_[i] = &registry.counter(
        "centinela_tls_handshake_failures_total", "TLS handshakes that failed, by reason",
        {{"listener", listener}, {"reason", to_string(static_cast<HandshakeFailure>(i))}});
  }
  return made;
}

// Before the certificate is sent: the one whose names match the client's
// SNI, when it is not the default.
int ServerContext::select_certificate(SSL* ssl, void* self) {
  const auto& context = *static_cast<const ServerContext*>(self);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (name == nullptr || context.certificates_.size() == 1) return 1;
  for (std::size_t i = 0; i < context.certificates_.size(); ++i) {
    const Certificate& certificate = *context.certificates_[i];
    if (!name_matches(certificate.names, name)) continue;
    if (i == 0) return 1;  // already in place
    return SSL_use_cert_and_key(ssl, certificate.leaf, certificate.key, certificate.chain, 1) == 1
               ? 1
               : 0;
  }
  return 1;  // no match: the default
}

std::unique_ptr<Session> ServerContext::accept(const std::shared_ptr<const ServerContext>& context,
                                               int fd) {
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(context->ctx_));
  if (!ssl) {
    ERR_clear_error();
    return nullptr;
  }
  SSL_set_accept_state(ssl.get());
  auto session = std::make_unique<Session>(std::move(ssl), context, fd);
  if (!session->ok()) return nullptr;
  return session;
}

void ServerContext::count_handshake(const SSL* ssl) const {
  (SSL_version(ssl) == TLS1_3_VERSION ? tls13_ : tls12_)->inc();
}

void ServerContext::count_failure(HandshakeFailure failure) const {
  failures_[static_cast<std::size_t>(failure)]->inc();
}

}  // namespace centinela::tls
