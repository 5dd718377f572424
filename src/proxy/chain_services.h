// Process-wide services the stages of every route's chain are built with
// (one set per process, shared by every config generation).
#pragma once

namespace centinela::cache {
struct CacheServices;
}

namespace centinela::proxy {

struct ChainServices {
  // The cache's shared parts (its L1 store, the coalescer, the instance id
  // for purge messages): src/cache/cache_stage.h. Null: no route gets a
  // cache stage.
  cache::CacheServices* cache = nullptr;
};

}  // namespace centinela::proxy
