// Requests a stage makes on its own after the client was answered (the
// cache's refresh of a stale entry within stale-while-revalidate): the
// route's upstream, that stage's response side, and a downstream that
// discards — no socket of a client. Counted like a connection, so a draining
// worker waits for them; the config they started with stays alive as long.
#pragma once

#include <memory>

#include "net/asio_fwd.h"
#include "stage/background.h"
#include "stage/downstream.h"

namespace centinela::proxy {
class Route;
class Runtime;
}  // namespace centinela::proxy

namespace centinela::net {

class Worker;

// The client of a background request: nobody. It sends no body and takes
// whatever it is sent.
class DiscardingDownstream final : public stage::Downstream, private stage::RequestBody {
 public:
  stage::RequestBody& request_body() override { return *this; }
  bool send_head(const stage::Response& response) override;
  asio::awaitable<bool> send_body(std::string_view piece, bool last) override;
  void abort() override { aborted_ = true; }
  bool head_sent() const override { return head_sent_; }

  unsigned status() const { return status_; }
  bool aborted() const { return aborted_; }

 private:
  bool present() const override { return false; }
  std::optional<std::uint64_t> length() const override { return std::nullopt; }
  bool done() const override { return true; }
  bool started() const override { return false; }
  asio::awaitable<stage::BodyRead> read(std::span<char> into) override;

  unsigned status_ = 0;
  bool head_sent_ = false;
  bool aborted_ = false;
};

// One request's way to start background requests on its route (made per
// request, without allocating; start() copies what outlives the request).
class RouteBackground final : public stage::BackgroundRequests {
 public:
  RouteBackground(Worker& worker, const std::shared_ptr<const proxy::Runtime>& runtime,
                  const proxy::Route& route)
      : worker_(worker), runtime_(runtime), route_(route) {}

  void start(const stage::RequestContext& from, stage::RequestHead head, stage::Stage& stage,
             std::function<void(stage::RequestContext&)> prepare) override;

 private:
  Worker& worker_;
  const std::shared_ptr<const proxy::Runtime>& runtime_;
  const proxy::Route& route_;
};

}  // namespace centinela::net
