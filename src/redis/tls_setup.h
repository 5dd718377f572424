// The TLS side of Redis connections (rediss://): one context shared by every
// connection of a config generation (each worker's client, the admin client,
// the subscribers), built on the main thread when the config loads — it reads
// the CA, certificate and key files — and kept by a reload that changes
// neither the settings nor those files, so such a reload does not reconnect.
#pragma once

#include <memory>
#include <string>

#include "config/tls_client_config.h"

namespace centinela::tls {
class ClientContext;
}

namespace centinela::redis {

struct TlsSetup {
  std::shared_ptr<tls::ClientContext> context;
  // The settings and a digest of the files' bytes: equal fingerprints, same setup.
  std::string fingerprint;
};

// The setup for `cfg`: `previous` itself when its fingerprint is the same,
// else a new one; null with `error` set (which file, OpenSSL's reason) when
// a file cannot be read or used.
std::shared_ptr<const TlsSetup> make_tls_setup(const config::TlsClientConfig& cfg,
                                               std::shared_ptr<const TlsSetup> previous,
                                               std::string& error);

}  // namespace centinela::redis
