#include "net/background_requests.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <string>

#include "net/deadline.h"
#include "net/request_slot.h"
#include "net/upstream_client.h"
#include "net/worker.h"
#include "pipeline/run.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "security/request_id.h"
#include "security/trace_context.h"

namespace centinela::net {
namespace {

constexpr std::string_view kGateway = "127.0.0.1";  // the gateway itself asks

// What a background request keeps of the request that started it.
struct Origin {
  std::shared_ptr<const proxy::Runtime> runtime;  // keeps the route and its stages alive
  const proxy::Route* route;
  std::string host;
};

asio::awaitable<void> run_in_background(Worker& worker, Origin origin, stage::RequestHead head,
                                        stage::Stage* stage,
                                        std::function<void(stage::RequestContext&)> prepare) {
  {
    // Counted like a connection, so a draining worker waits for it.
    DeadlineWatch watch(worker.sweeper());
    SlotPool::Lease slot = worker.slots().take();
    stage::RequestContext& ctx = slot->ctx.emplace(head, slot->arena);
    const std::string_view target = head.target();
    const std::size_t question = target.find('?');
    ctx.host = origin.host;
    ctx.path = target.substr(0, question);
    if (question != std::string_view::npos) ctx.query = target.substr(question + 1);
    ctx.peer_ip = kGateway;
    ctx.client_ip = std::string(kGateway);
    ctx.request_id = security::new_request_id();
    security::continue_or_start_trace({}, ctx.trace);
    ctx.worker = &worker.resources();
    ctx.http_date = worker.http_date();
    slot->route = origin.route;
    if (prepare) prepare(ctx);
    const auto& limits = origin.runtime->config().server.limits;
    UpstreamClient& upstream =
        slot->upstream.emplace(worker, origin.route->upstream(), origin.route->config().timeout,
                               limits.max_chunk_extension_bytes, watch, slot->upstream_head);
    DiscardingDownstream down;
    const pipeline::Chain chain = pipeline::Chain::borrowing(*stage);
    co_await pipeline::run(chain, ctx, down, upstream);
    slot->end_request();
  }
  worker.connection_closed();
}

}  // namespace

bool DiscardingDownstream::send_head(const stage::Response& response) {
  status_ = response.status;
  head_sent_ = true;
  return true;
}

asio::awaitable<bool> DiscardingDownstream::send_body(std::string_view, bool) { co_return true; }

asio::awaitable<stage::BodyRead> DiscardingDownstream::read(std::span<char>) {
  co_return stage::BodyRead{};
}

void RouteBackground::start(const stage::RequestContext& from, stage::RequestHead head,
                            stage::Stage& stage,
                            std::function<void(stage::RequestContext&)> prepare) {
  Origin origin{runtime_, &route_, std::string(from.host)};
  asio::co_spawn(
      worker_.io(),
      run_in_background(worker_, std::move(origin), std::move(head), &stage, std::move(prepare)),
      asio::detached);
}

}  // namespace centinela::net
