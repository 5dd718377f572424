// The top-level `cache` section: the L1 store and the shared L2.
#pragma once

#include <cstdint>
#include <string>

namespace centinela::config {

struct CacheStoreConfig {
  std::uint64_t memory = 256ull * 1024 * 1024;
  std::string shared;  // "redis" or empty
};

}  // namespace centinela::config
