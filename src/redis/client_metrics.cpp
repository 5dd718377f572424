#include "redis/client_metrics.h"

namespace centinela::redis {
namespace {

observe::Counter& commands(const char* result) {
  return observe::Registry::global().counter("centinela_redis_commands_total",
                                             "Redis commands by outcome", {{"result", result}});
}

}  // namespace

ClientMetrics& ClientMetrics::get() {
  static ClientMetrics* metrics = new ClientMetrics;  // never destroyed, like the registry
  return *metrics;
}

ClientMetrics::ClientMetrics()
    : ok(commands("ok")),
      error(commands("error")),
      timeout(commands("timeout")),
      unavailable(commands("unavailable")),
      connected_(observe::Registry::global().gauge(
          "centinela_redis_connected", "1 when every worker's Redis connection is up")) {}

void ClientMetrics::client_opened() {
  std::lock_guard lock(mutex_);
  ++open_clients_;
  publish();
}

void ClientMetrics::client_closed(bool was_connected) {
  std::lock_guard lock(mutex_);
  --open_clients_;
  if (was_connected) --connected_clients_;
  publish();
}

void ClientMetrics::client_connected() {
  std::lock_guard lock(mutex_);
  ++connected_clients_;
  publish();
}

void ClientMetrics::client_disconnected() {
  std::lock_guard lock(mutex_);
  --connected_clients_;
  publish();
}

void ClientMetrics::publish() {
  connected_.set(open_clients_ > 0 && connected_clients_ == open_clients_ ? 1.0 : 0.0);
}

}  // namespace centinela::redis
