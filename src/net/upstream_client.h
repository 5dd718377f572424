// The pipeline's upstream over HTTP/1.1: the request forwarded to one route's
// cluster. Its head is rendered once (the client's request with the stages'
// edits, the forwarding fields, framing re-derived from the body); a server is
// picked and tried (upstream_try.h); a try that failed before anything came
// back is retried on another server when the request is idempotent and has
// no body, and a kept connection found closed is retried once on a new one.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "net/upstream_try.h"
#include "stage/upstream.h"

namespace centinela::proxy {
class UpstreamCluster;
}

namespace centinela::net {

class UpstreamClient final : public stage::Upstream {
 public:
  // `route_timeout`: the route's own response timeout (0: the cluster's).
  // `head`: where the request head is written (reused).
  UpstreamClient(Worker& worker, proxy::UpstreamCluster& cluster,
                 std::chrono::milliseconds route_timeout, std::uint64_t max_chunk_extensions,
                 DeadlineWatch& watch, std::string& head);

  asio::awaitable<stage::ForwardResult> forward(stage::RequestContext& ctx,
                                                stage::RequestBody& body,
                                                stage::ResponseSink& sink) override;

  // For the access log.
  std::string_view name() const;
  const UpstreamTimings& timings() const { return timings_; }
  // The connection of an upstream that accepted a WebSocket handshake (101
  // relayed to the client); null otherwise.
  std::unique_ptr<UpstreamConnection> take_upgraded() { return std::move(upgraded_); }
  const UpstreamReport& report() const { return report_; }

 private:
  centinela::http::BodyFraming render_head(const stage::RequestContext& ctx,
                                           const stage::RequestBody& body);

  Worker& worker_;
  proxy::UpstreamCluster& cluster_;
  std::chrono::milliseconds route_timeout_;
  std::uint64_t max_chunk_extensions_;
  DeadlineWatch& watch_;
  std::string& head_;
  UpstreamTimings timings_;
  std::unique_ptr<UpstreamConnection> upgraded_;
  UpstreamReport report_;
};

}  // namespace centinela::net
