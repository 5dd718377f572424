// The Redis client's metrics, shared by every worker's Client.
#pragma once

#include <mutex>

#include "observe/metrics.h"

namespace centinela::redis {

class ClientMetrics {
 public:
  static ClientMetrics& get();

  // centinela_redis_commands_total{result}: a reply came (ok, or an error
  // reply or a broken connection: error), no reply in time (timeout), or
  // refused at once because Redis is unreachable (unavailable).
  observe::Counter& ok;
  observe::Counter& error;
  observe::Counter& timeout;
  observe::Counter& unavailable;

  // centinela_redis_connected is 1 while every open client (one per worker)
  // is connected, 0 otherwise. Called on state changes only, not per command.
  void client_opened();
  void client_closed(bool was_connected);
  void client_connected();
  void client_disconnected();

 private:
  ClientMetrics();
  void publish();

  observe::Gauge& connected_;
  std::mutex mutex_;
  int open_clients_ = 0;
  int connected_clients_ = 0;
};

}  // namespace centinela::redis
