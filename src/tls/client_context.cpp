#include "tls/client_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace centinela::tls {

std::string last_openssl_error() {
  std::string reason;
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason = text;  // the last one queued is the closest to the call that failed
  }
  return reason;
}

ClientContext::ClientContext(const config::TlsClientConfig& cfg)
    : config_(cfg), context_(boost::asio::ssl::context::tls_client) {}

std::shared_ptr<ClientContext> ClientContext::make(const config::TlsClientConfig& cfg,
                                                   std::string& error) {
  auto made = std::make_shared<ClientContext>(cfg);
  SSL_CTX* ctx = made->context_.native_handle();
  ERR_clear_error();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // Sessions are kept per context so a new connection to the same server
  // resumes (its SSL_SESSION is set by the caller, who knows the server).
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  if (cfg.verify) {
    const bool loaded = cfg.ca.empty()
                            ? SSL_CTX_set_default_verify_paths(ctx) == 1
                            : SSL_CTX_load_verify_locations(ctx, cfg.ca.c_str(), nullptr) == 1;
    if (!loaded) {
      error = cfg.ca.empty() ? "cannot load the system CA certificates: " + last_openssl_error()
                             : "cannot load CA file " + cfg.ca + ": " + last_openssl_error();
      return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  }
  if (!cfg.client_cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cfg.client_cert.c_str()) != 1) {
      error = "cannot load client certificate " + cfg.client_cert + ": " + last_openssl_error();
      return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, cfg.client_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      error = "cannot load client key " + cfg.client_key + ": " + last_openssl_error();
      return nullptr;
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      error = "client key " + cfg.client_key + " does not match certificate " + cfg.client_cert;
      ERR_clear_error();
      return nullptr;
    }
  }
  return made;
}

std::string ClientContext::prepare(SSL* ssl, std::string_view host) const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(std::string(host), ec);
  const bool host_is_ip = !ec;
  const std::string name = config_.sni.empty() ? std::string(host) : config_.sni;
  // SNI carries names only (RFC 6066 §3).
  if (!config_.sni.empty() || !host_is_ip) {
    if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) {
      return "cannot set SNI " + name + ": " + last_openssl_error();
    }
  }
  if (!config_.verify) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const bool set = config_.sni.empty() && host_is_ip
                       ? X509_VERIFY_PARAM_set1_ip_asc(param, std::string(host).c_str()) == 1
                       : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size()) == 1;
  if (!set) return "cannot verify the name " + name + ": " + last_openssl_error();
  return {};
}

}  // namespace centinela::tls
