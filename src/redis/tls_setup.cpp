#include "redis/tls_setup.h"

#include <openssl/evp.h>

#include <fstream>
#include <iterator>

#include "tls/client_context.h"

namespace centinela::redis {
namespace {

// SHA-256 over the files' bytes (an unreadable file counts as empty: building
// the context reports it).
std::string files_digest(const config::TlsClientConfig& cfg) {
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  for (const std::string* path : {&cfg.ca, &cfg.client_cert, &cfg.client_key}) {
    if (path->empty()) continue;
    std::ifstream in(*path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EVP_DigestUpdate(md, bytes.data(), bytes.size());
    EVP_DigestUpdate(md, "\n", 1);  // where one file ends and the next begins
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(md, digest, &length);
  EVP_MD_CTX_free(md);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::shared_ptr<const TlsSetup> make_tls_setup(const config::TlsClientConfig& cfg,
                                               std::shared_ptr<const TlsSetup> previous,
                                               std::string& error) {
  std::string fingerprint = std::string(cfg.verify ? "verify" : "no-verify") + '\0' + cfg.ca +
                            '\0' + cfg.sni + '\0' + cfg.client_cert + '\0' + cfg.client_key + '\0' +
                            files_digest(cfg);
  if (previous && previous->fingerprint == fingerprint) return previous;
  auto context = tls::ClientContext::make(cfg, error);
  if (!context) return nullptr;
  auto setup = std::make_shared<TlsSetup>();
  setup->context = std::move(context);
  setup->fingerprint = std::move(fingerprint);
  return setup;
}

}  // namespace centinela::redis
