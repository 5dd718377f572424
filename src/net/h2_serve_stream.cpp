// One HTTP/2 request, from its decoded header block to its access-log record:
// the block vetted by h2::RequestHeadBuilder when it ended (a malformed one
// never gets here: it was reset), the target and Host vetted like an
// HTTP/1.1 request's (request_intake.h), then the same exchange as HTTP/1.1
// (exchange.h) with the stream as downstream.
#include <chrono>

#include "config/config.h"
#include "net/client_connection.h"
#include "net/exchange.h"
#include "net/h2_connection.h"
#include "net/h2_stream.h"
#include "net/request_intake.h"
#include "net/request_record.h"
#include "net/request_slot.h"
#include "net/worker.h"
#include "proxy/forward_headers.h"
#include "proxy/runtime.h"

namespace centinela::net {
namespace {

namespace wire = centinela::http;

// The request as the neutral part sees it: answered on its stream.
class H2Side final : public ClientSide {
 public:
  explicit H2Side(H2Downstream& down) : down_(down) {}

  stage::Downstream& downstream(const ClientRequest& /*client*/) override { return down_; }

  void report(RequestOutcome& outcome) const override {
    outcome.status = down_.status();
    if (outcome.status == 0 && down_.client_gone()) outcome.status = kClientClosedRequest;
    outcome.bytes_sent = down_.bytes_sent();
  }

 private:
  H2Downstream& down_;
};

// Why the builder refused a well-formed block, as an answer.
Refusal refusal_of(const h2::HeadResult& verdict) {
  switch (verdict.verdict) {
    case h2::HeadVerdict::bad_request:
      return {400, verdict.reason};
    case h2::HeadVerdict::not_allowed:
      return {405, verdict.reason};
    case h2::HeadVerdict::too_large:
      return {431, "request header fields too large"};
    default:
      return {};
  }
}

// What an HTTP/1.1 writer would know of the request; the h2 downstream needs
// little of it.
ClientRequest client_request(const stage::RequestContext& ctx, const H2Stream& stream) {
  ClientRequest client;
  client.head_request = ctx.request.method() == beast::http::verb::head;
  client.body_length = stream.builder.content_length();
  return client;
}

}  // namespace

// One coroutine frame a stream, the bottom one of its thread of execution
// (spawn_now.h): the request's objects live in the inner block and are gone
// before the connection hears that the stream was served.
SpawnedTask serve_h2_stream(H2Stream& stream) {
  try {
    // Reset by the client before it started (Rapid Reset): no work at all.
    if (!stream.closed) {
      ClientConnection& c = stream.connection.client();
      const std::shared_ptr<const proxy::Runtime> runtime = c.worker.runtime();
      const auto& limits = runtime->config().server.limits;
      const auto start_wall = std::chrono::system_clock::now();
      SlotPool::Lease slot = c.worker.slots().take();
      RequestParser& parser = slot->parser.emplace();
      parser.get().base() = std::move(stream.head);
      stage::RequestContext& ctx = begin_context(c, *slot);
      stream.ctx = &ctx;
      H2Downstream down(stream, stream.response_nv, limits.idle_timeout, limits.max_body_bytes,
                        stream.builder.content_length(), !stream.body_absent);
      H2Side side(down);
      Exchange exchange{c.worker, *slot, stream.watch, side};
      RequestOutcome& outcome = slot->outcome;
      outcome = RequestOutcome{};
      outcome.bytes_received = stream.head_bytes;
      outcome.protocol = "HTTP/2.0";

      wire::VettedRequest vetted;
      Refusal refusal = refusal_of(stream.verdict);
      if (!refusal.refused()) {
        refusal =
            vet_parsed_request(parser, c.socket, slot->intake, vetted, stream.builder.host_size());
      }
      const auto declared = stream.builder.content_length();
      if (!refusal.refused() && declared && *declared > limits.max_body_bytes) {
        refusal = {413, "request body too large"};
      }
      if (refusal.refused()) {
        co_await refuse(exchange, refusal.status, refusal.reason, outcome);
      } else {
        identify_request(ctx, *runtime);
        if (const auto expect = ctx.request.find(beast::http::field::expect);
            expect != ctx.request.end() && beast::iequals(expect->value(), "100-continue")) {
          down.expect_continue();
        }
        proxy::strip_hop_by_hop(ctx.request);
        Accepted accepted{client_request(ctx, stream), wire::BodyDecoder()};
        outcome.method = parser.get().method_string();
        outcome.path = slot->intake.path;
        outcome.query = vetted.target.query;
        outcome.host = slot->intake.authority;
        co_await dispatch(exchange, runtime, vetted, accepted, outcome);
      }
      outcome.bytes_received += stream.body_received;
      // Nothing was answered (the pipeline gave up): the client must not wait.
      if (!down.head_sent()) down.abort();
      record_request(c.worker, *runtime, ctx, slot->route, outcome, stream.start, start_wall);
      stream.ctx = nullptr;
      slot->end_request();
    }
    stream.connection.stream_served(stream);
  } catch (...) {
    // As `detached` ended it: the exception ends the stream's coroutine
    // (the bottom frame may let nothing out, spawn_now.h).
  }
}

}  // namespace centinela::net
