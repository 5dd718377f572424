#include "tls/session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace centinela::tls {

// A whole record (16 KiB of data, TLS 1.2's largest expansion, its header)
// and a little more: one socket read takes in what a client sent at once.
constexpr std::size_t kInputSize = 17 * 1024;

// OpenSSL's BIO over a Session: reads take from its input buffer (empty:
// "retry", and the stream reads the socket), writes go to the socket.
struct SocketBio {
  static Session& session(BIO* bio) { return *static_cast<Session*>(BIO_get_data(bio)); }

  static int read(BIO* bio, char* out, int size) {
    BIO_clear_retry_flags(bio);
    Session& s = session(bio);
    const std::size_t available = s.input_end_ - s.input_begin_;
    if (available == 0) {
      BIO_set_retry_read(bio);
      return -1;
    }
    const std::size_t n = std::min(available, static_cast<std::size_t>(std::max(size, 0)));
    std::memcpy(out, s.input_.get() + s.input_begin_, n);
    s.input_begin_ += n;
    return static_cast<int>(n);
  }

  static int write(BIO* bio, const char* data, int size) {
    BIO_clear_retry_flags(bio);
    // MSG_NOSIGNAL: a peer gone is an error here, not a signal.
    const ssize_t n =
        ::send(session(bio).fd_, data, static_cast<std::size_t>(std::max(size, 0)), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(bio);
    return -1;  // errno says why (net/stream.h reports it)
  }

  static long ctrl(BIO* bio, int command, long /*num*/, void* /*ptr*/) {
    switch (command) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_PENDING: {
        const Session& s = session(bio);
        return static_cast<long>(s.input_end_ - s.input_begin_);
      }
      default:
        return 0;
    }
  }

  static int create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  // Made once, for every session of every thread (a BIO_METHOD is read-only).
  static const BIO_METHOD* method() {
    static BIO_METHOD* const kMethod = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "centinela");
      if (m != nullptr) {
        BIO_meth_set_read(m, read);
        BIO_meth_set_write(m, write);
        BIO_meth_set_ctrl(m, ctrl);
        BIO_meth_set_create(m, create);
      }
      return m;
    }();
    return kMethod;
  }
};

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

Session::Session(std::unique_ptr<SSL, SslFree> ssl, std::shared_ptr<const ServerContext> context,
                 int fd)
    : ssl_(std::move(ssl)), context_(std::move(context)), fd_(fd) {
  const BIO_METHOD* method = SocketBio::method();
  BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
  if (bio == nullptr) {
    ERR_clear_error();
    ssl_.reset();
    return;
  }
  BIO_set_data(bio, this);
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference for both directions
  // Records are taken from the input buffer as far as they go, not a
  // header and then a body per BIO call.
  SSL_set_read_ahead(ssl_.get(), 1);
}

std::span<char> Session::input_space() {
  if (input_begin_ == input_end_) input_begin_ = input_end_ = 0;
  if (!input_) input_ = std::make_unique_for_overwrite<char[]>(kInputSize);
  return {input_.get() + input_end_, kInputSize - input_end_};
}

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
  if (input_begin_ == input_end_) {
    input_.reset();
    input_begin_ = input_end_ = 0;
  }
  SSL_free_buffers(ssl_.get());  // refused (harmlessly) while bytes are buffered
}

void Session::close_notify() {
  ERR_clear_error();
  if (SSL_is_init_finished(ssl_.get()) == 1) SSL_shutdown(ssl_.get());
  ERR_clear_error();
}

}  // namespace centinela::tls
