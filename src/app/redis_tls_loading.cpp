#include "app/redis_tls_loading.h"

#include <utility>

namespace centinela::app {

std::shared_ptr<const redis::TlsSetup> load_redis_tls(
    const config::Config& config, const std::string& config_path,
    std::shared_ptr<const redis::TlsSetup> previous, std::string& error) {
  if (!config.redis || !config.redis->tls) return nullptr;
  const config::TlsClientConfig& tls = *config.redis->tls;
  std::string problem;
  auto setup = redis::make_tls_setup(tls, std::move(previous), problem);
  if (!setup) error = config_path + ":" + std::to_string(tls.line) + ": redis.tls: " + problem;
  return setup;
}

}  // namespace centinela::app
