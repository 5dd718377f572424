// What a request needs while it is served — its read buffer, parser, head
// buffers, context and arena, the downstream and upstream objects — taken
// from the worker's pool when the request's first bytes arrive and given
// back when the connection waits idle, so an idle connection holds none of
// it (issue 12: an idle connection costs under 1 KiB).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/background_requests.h"
#include "net/client_close_watch.h"
#include "net/http1_downstream.h"
#include "net/request_intake.h"
#include "net/request_record.h"
#include "net/upstream_client.h"
#include "stage/arena.h"
#include "stage/request_context.h"

namespace centinela::proxy {
class Route;
}

namespace centinela::net {

// The context's strings that outgrow std::string's inline buffer on every
// request (a request id, a trace id, a span id; often the user and API key,
// an IPv6 client address):
// lent to each request's context and taken back when it ends, so their heap
// buffers serve request after request instead of being allocated anew.
struct ContextStrings {
  std::string request_id;
  std::string trace_id;
  std::string span_id;
  std::string user;
  std::string api_key;
  std::string client_ip;

  void lend(stage::RequestContext& ctx);
  void take_back(stage::RequestContext& ctx);
};

struct RequestSlot {
  beast::flat_buffer buffer;  // the connection's reads: a head, then one body read at a time
  std::string response_head;  // the response head being written
  std::string upstream_head;  // the request head sent upstream
  // A chunked request body's trailer fields (written only when it has some).
  std::string request_trailers;
  IntakeBuffers intake;  // normalised path and Host, the target sent upstream
  stage::Arena arena;    // the request's stage state and the fields stages make

  // This request's objects, made when it starts and destroyed when it ends
  // (in reverse order: they refer to each other).
  std::optional<RequestParser> parser;
  std::optional<stage::RequestContext> ctx;
  const proxy::Route* route = nullptr;  // null until routed, or when no route matched
  std::optional<Http1Downstream> downstream;
  std::optional<UpstreamClient> upstream;
  std::optional<RouteBackground> background;
  ContextStrings context_strings;
  // What the log records of the request: here rather than in the serving
  // coroutine, whose frame must stay under the 1,020 bytes Asio recycles.
  RequestOutcome outcome;
  // Whether the client leaves while the request waits for its answer: here,
  // not in the connection, so a parked connection does not carry it (320 B).
  ClientCloseWatch close_watch;

  // Destroys the request's objects; the buffers keep their capacity.
  void end_request() {
    background.reset();
    upstream.reset();
    downstream.reset();
    if (ctx) context_strings.take_back(*ctx);
    ctx.reset();
    arena.reset();
    parser.reset();
    route = nullptr;
  }
};

// The worker's spare slots. No locks: one pool per worker thread.
class SlotPool {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(SlotPool* pool, std::unique_ptr<RequestSlot> slot)
        : pool_(pool), slot_(std::move(slot)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      release();
      pool_ = other.pool_;
      slot_ = std::move(other.slot_);
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }

    RequestSlot& operator*() const { return *slot_; }
    RequestSlot* operator->() const { return slot_.get(); }
    explicit operator bool() const { return slot_ != nullptr; }
    void release() {
      if (slot_) pool_->give_back(std::move(slot_));
    }

   private:
    SlotPool* pool_ = nullptr;
    std::unique_ptr<RequestSlot> slot_;
  };

  Lease take();

 private:
  void give_back(std::unique_ptr<RequestSlot> slot);

  std::vector<std::unique_ptr<RequestSlot>> free_;
};

}  // namespace centinela::net
