// Per-worker services a filter may use on the request path. Owned by the
// worker; valid for as long as the request.
#pragma once

#include <boost/asio/io_context.hpp>

namespace centinela::redis {
class Client;
}

namespace centinela::proxy {

struct WorkerResources {
  boost::asio::io_context* io = nullptr;
  unsigned worker_index = 0;
  redis::Client* redis = nullptr;  // null when no `redis` is configured
};

}  // namespace centinela::proxy
