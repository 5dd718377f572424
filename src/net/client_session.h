// A client connection: reads requests one after the other (keep-alive), vets
// and parses each, routes it, and hands it to filters and upstream forwarding.
#pragma once

#include "net/asio_fwd.h"

namespace centinela::net {

class Worker;

asio::awaitable<void> serve_client(Worker& worker, tcp::socket socket);

}  // namespace centinela::net
