// Process-wide services the stages of every route's chain are built with
// (one set per process, shared by every config generation).
#pragma once

#include <memory>

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
};

}  // namespace centinela::proxy
