// The TLS setup of a configuration's Redis connections (rediss://), built on
// the main thread at start, on reload and by `check`: a CA, certificate or
// key file OpenSSL cannot use is a configuration error, never a silent
// outage later.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "redis/tls_setup.h"

namespace centinela::app {

// Null when `config` has no Redis over TLS, or with `error` set, as check
// prints it ("CONFIG:LINE: redis.tls: cannot load CA file …"). `previous` is
// kept when nothing it was made from changed.
std::shared_ptr<const redis::TlsSetup> load_redis_tls(
    const config::Config& config, const std::string& config_path,
    std::shared_ptr<const redis::TlsSetup> previous, std::string& error);

}  // namespace centinela::app
