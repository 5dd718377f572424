// Process-wide services the stages of every route's chain are built with
// (one set per process, shared by every config generation).
#pragma once

#include <memory>

namespace centinela::config {
struct Config;
}

namespace centinela::cache {
struct CacheServices;
}

namespace centinela::waf {
class Engine;
}

namespace centinela::modsec {
class Engine;
}

namespace centinela::redis {
struct TlsSetup;
}

namespace centinela::proxy {

struct ChainServices {
  // The cache's shared parts (its L1 store, the coalescer, the instance id
  // for purge messages): src/cache/cache_stage.h. Null: no route gets a
  // cache stage.
  cache::CacheServices* cache = nullptr;
  // The WAF's compiled rules of the current config generation (a reload that
  // changes them makes a new one). Null: no route runs the WAF.
  waf::Engine* waf = nullptr;
  // The same for `waf.engine: modsecurity` (libmodsecurity's rule sets);
  // null unless that engine is configured. At most one of the two is set.
  modsec::Engine* modsec = nullptr;
  // The TLS context of Redis connections (rediss://) of the current config
  // generation, built on the main thread when it loaded; null for cleartext.
  // The runtime keeps it for the workers' Redis clients.
  std::shared_ptr<const redis::TlsSetup> redis_tls;
  // Whether the process has an admin listener: the only reader of the
  // dashboard's live numbers (its page, /admin/stats). Set from the config
  // the process started with (admin.listen takes effect on restart only).
  // Without one, admin.live_stats is off in effect: nothing is recorded.
  bool admin_listener = true;
};

// admin.live_stats as the request path applies it: on, and read by someone.
bool records_live_stats(const config::Config& config, const ChainServices& services);

}  // namespace centinela::proxy
