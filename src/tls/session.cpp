#include "tls/session.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace centinela::tls {
namespace {

std::string subject_of(X509* certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, X509_get_subject_name(certificate), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(size > 0 ? size : 0));
  BIO_free(bio);
  return text;
}

// Lower-case hex SHA-256 of the DER: unlike the subject, it cannot be shared
// by two certificates (two CAs may issue the same subject).
std::string fingerprint_of(X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &size) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    text += kHex[digest[i] >> 4];
    text += kHex[digest[i] & 0x0f];
  }
  return text;
}

}  // namespace

Session::Session(std::unique_ptr<SSL, SslFree> ssl, std::shared_ptr<const ServerContext> context)
    : ssl_(std::move(ssl)), context_(std::move(context)) {}

void Session::learn_facts() {
  SSL* ssl = ssl_.get();
  facts_.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
    facts_.cipher = SSL_CIPHER_get_name(cipher);
  }
  if (const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) facts_.sni = name;
  facts_.resumed = SSL_session_reused(ssl) == 1;
  const unsigned char* alpn = nullptr;
  unsigned int alpn_size = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_size);
  facts_.h2 = alpn_size == 2 && alpn[0] == 'h' && alpn[1] == '2';
  // Only a certificate that verified: with client_auth the handshake fails
  // otherwise, so one present here is one the client_ca vouches for.
  if (X509* peer = SSL_get0_peer_certificate(ssl);
      peer != nullptr && SSL_get_verify_result(ssl) == X509_V_OK) {
    facts_.client_subject = subject_of(peer);
    facts_.client_fingerprint = fingerprint_of(peer);
  }
}

void Session::release_idle_memory() {
  std::vector<char>().swap(scratch_);
  SSL_free_buffers(ssl_.get());  // refused (harmlessly) while bytes are buffered
}

void Session::close_notify() {
  ERR_clear_error();
  if (SSL_is_init_finished(ssl_.get()) == 1) SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

}  // namespace centinela::tls
