// A Redis pub/sub subscriber: its own connection (a subscribed connection
// cannot run other commands), on an io_context of the caller's choosing,
// SUBSCRIBEd to one channel, handing each message to a callback. Reconnects
// and resubscribes by itself with backoff; never throws. Messages published
// while it was disconnected are lost (pub/sub has no history): callers that
// need more re-sync on reconnect (on_connected is called each time).
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/config.h"
#include "redis/tls_setup.h"

namespace centinela::redis {

class Subscriber {
 public:
  using MessageHandler = std::function<void(std::string_view message)>;
  using ConnectedHandler = std::function<void()>;

  // Starts connecting in the background; the constructor does no network
  // I/O. `tls` as for Client.
  Subscriber(boost::asio::io_context& io, const config::RedisConfig& cfg, std::string channel,
             MessageHandler on_message, ConnectedHandler on_connected = {},
             std::shared_ptr<const TlsSetup> tls = nullptr);
  ~Subscriber();  // closes
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  bool subscribed() const;
  void close();  // idempotent; no callbacks after it returns (on the io thread)

 private:
  class Session;
  std::shared_ptr<Session> session_;
};

}  // namespace centinela::redis
