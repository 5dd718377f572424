// The TLS contexts of the client listeners (server.listen), built from the
// config on the main thread at start and on each reload.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "tls/server_context.h"

namespace centinela {

struct TlsListeners {
  // By index in server.listen; null for a cleartext listener.
  std::vector<std::shared_ptr<const tls::ServerContext>> contexts;
  // Empty, or which listener could not be set up and why.
  std::string error;
};

TlsListeners build_tls_listeners(const config::Config& config);

// Whether `next` has the listeners `running` was started with, each TLS or
// not alike (otherwise the listeners stay as they are until a restart, and
// their certificates with them).
bool same_listener_layout(const config::Config& running, const config::Config& next);

// `centinela check`: each TLS listener's context is built as at start (files
// readable, each key its certificate's, ciphers known) and its certificates'
// expiry looked at: errors (expired, unusable) and warnings (expiring within
// 14 days), each "FILE:LINE: server.listen[i].tls: ...".
struct TlsCheck {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};
TlsCheck check_tls_listeners(const config::Config& config, const std::string& config_path,
                             std::time_t now);

}  // namespace centinela
