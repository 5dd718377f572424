#include "timing/server_timing_stage.h"

#include <array>
#include <chrono>

#include "timing/gateway_timing.h"
#include "timing/origin_timing_metrics.h"
#include "timing/origin_timing_reader.h"

namespace centinela::timing {
namespace {

using stage::RequestContext;
using stage::RequestVerdict;
using stage::Response;
using stage::ResponseVerdict;
using Clock = std::chrono::steady_clock;

// When the request reached the chain (only kept with `add`).
struct Started {
  Clock::time_point at;
};

class ServerTimingStage final : public stage::Stage {
 public:
  ServerTimingStage(const config::ServerTimingConfig& config, OriginTimingMetrics& metrics,
                    bool live_stats)
      : config_(config), metrics_(metrics), live_stats_(live_stats) {}

  std::string_view name() const override { return "server_timing"; }

  RequestVerdict on_request_head(RequestContext& ctx) override {
    if (config_.add) ctx.make_state<Started>(slot(), Started{Clock::now()});
    return RequestVerdict::proceed();
  }

  ResponseVerdict on_response_head(RequestContext& ctx, Response& response) override {
    if (response.origin == stage::ResponseOrigin::upstream) read_origin(ctx, response);
    if (!relays_origin_timing(config_.origin, ctx.client_ip)) {
      response.fields.erase(kServerTimingField);
    }
    if (config_.add) add_own(ctx, response);
    return ResponseVerdict::proceed();
  }

 private:
  void read_origin(RequestContext& ctx, const Response& response) {
    ctx.origin_timing = read_origin_timing(response.fields, ctx.arena);
    for (const observe::OriginTiming& timing : ctx.origin_timing) {
      metrics_.observe(timing.name, timing.dur_ms, live_stats_);
    }
  }

  void add_own(RequestContext& ctx, Response& response) const {
    GatewayTiming timing;
    timing.cache = ctx.cache_status;
    timing.upstream_ms = ctx.upstream_head_ms;
    if (const Started* started = ctx.state<Started>(slot())) {
      const double elapsed_ms =
          std::chrono::duration<double, std::milli>(Clock::now() - started->at).count();
      timing.gateway_ms = std::max(elapsed_ms - std::max(ctx.upstream_head_ms, 0.0), 0.0);
    }
    std::array<char, kGatewayTimingBytes> buffer;
    const std::string_view value = format_gateway_timing(timing, buffer);
    if (!value.empty()) response.fields.add(kServerTimingField, value);  // copied to the arena
  }

  config::ServerTimingConfig config_;
  OriginTimingMetrics& metrics_;
  bool live_stats_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_server_timing_stage(const config::RouteConfig& route,
                                                       bool live_stats) {
  return std::make_unique<ServerTimingStage>(
      route.server_timing, OriginTimingMetrics::for_route(route.name), live_stats);
}

}  // namespace centinela::timing
