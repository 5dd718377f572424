// The extension point of the request path. A route's chain of stages is built
// once when the config loads; every request runs through all of them: the
// request direction in chain order, the response direction — for every
// response, whoever made it — in reverse order (the spirit of Envoy's HTTP
// filters). A stage answers each event with an explicit verdict.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "stage/local_response.h"
#include "stage/request_context.h"
#include "stage/response.h"
#include "stage/stored_response.h"

namespace centinela::stage {

// What a stage answers to the request head (or to a body it asked for).
class RequestVerdict {
 public:
  enum class Kind { proceed, respond, deliver, buffer_body, go_async };

  // On to the next stage, then the upstream.
  static RequestVerdict proceed() { return RequestVerdict(std::monostate{}); }
  // Answer with this response now; the request goes no further.
  static RequestVerdict respond(LocalResponse response) {
    return RequestVerdict(std::move(response));
  }
  // Answer with a stored response (a cache hit).
  static RequestVerdict deliver(StoredAnswer answer) { return RequestVerdict(std::move(answer)); }
  // Read the request body first (its first `bound` bytes at most) and call
  // on_request_body with it before deciding; the body is then forwarded from
  // that buffer.
  static RequestVerdict buffer_body(std::size_t bound) { return RequestVerdict(BufferBody{bound}); }
  // The decision needs I/O after all: the pipeline awaits on_request_head_async
  // next. For a stage that usually decides at once (a cache answering from
  // memory) and only sometimes must wait (Redis, another request's fetch), so
  // the common case costs no coroutine frame.
  static RequestVerdict go_async() { return RequestVerdict(GoAsync{}); }

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  LocalResponse& local() { return std::get<LocalResponse>(value_); }
  StoredAnswer& stored() { return std::get<StoredAnswer>(value_); }
  std::size_t buffer_bound() const { return std::get<BufferBody>(value_).bound; }

 private:
  struct BufferBody {
    std::size_t bound;
  };
  struct GoAsync {};
  using Value = std::variant<std::monostate, LocalResponse, StoredAnswer, BufferBody, GoAsync>;
  // Each alternative is built in place: a temporary Value would make GCC 12
  // warn (falsely) that its destructor reads an uninitialised shared_ptr.
  template <typename T>
  requires(!std::is_same_v<std::decay_t<T>, RequestVerdict>) explicit RequestVerdict(
      T&& alternative)
      : value_(std::in_place_type<std::decay_t<T>>, std::forward<T>(alternative)) {}
  Value value_;
};

// What a stage answers to a response head.
class ResponseVerdict {
 public:
  enum class Kind { proceed, replace_local, replace_stored };

  static ResponseVerdict proceed() { return ResponseVerdict(std::monostate{}); }
  // The client gets this instead (the upstream's body, if any, is dropped);
  // the stages after this one see only the replacement.
  static ResponseVerdict replace(LocalResponse response) {
    return ResponseVerdict(std::move(response));
  }
  static ResponseVerdict replace(StoredAnswer answer) { return ResponseVerdict(std::move(answer)); }

  Kind kind() const { return static_cast<Kind>(value_.index()); }
  LocalResponse& local() { return std::get<LocalResponse>(value_); }
  StoredAnswer& stored() { return std::get<StoredAnswer>(value_); }

 private:
  using Value = std::variant<std::monostate, LocalResponse, StoredAnswer>;
  // Each alternative is built in place: a temporary Value would make GCC 12
  // warn (falsely) that its destructor reads an uninitialised shared_ptr.
  template <typename T>
  requires(!std::is_same_v<std::decay_t<T>, ResponseVerdict>) explicit ResponseVerdict(
      T&& alternative)
      : value_(std::in_place_type<std::decay_t<T>>, std::forward<T>(alternative)) {}
  Value value_;
};

// One piece of a response body on its way to the client. A transforming stage
// points `data` at its own output (valid until its next call).
struct BodyPiece {
  std::string_view data;
  bool last = false;
  // On the last piece: the trailer fields that follow the body
  // ("name: value\r\n" lines, vetted and allowed as trailers; empty: none).
  // A transforming stage leaves them as they are.
  std::string_view trailers;
  // Set by a transforming stage that cannot produce its output (a codec
  // error): the response cannot be completed, and the client must not take
  // what it got for the whole.
  bool broken = false;
};

// Header lines a stage puts on every response unchanged. Rendered once when
// the chain is built and added to each response as views, so the hot path
// neither allocates nor looks them up. Fields of the same names from the
// upstream, and those named in `drops`, are removed first.
struct StaticResponseHeaders {
  std::string lines;               // "Name: value\r\n" ...
  std::vector<std::string> drops;  // field names (any case) never relayed
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;

  // --- request direction, in chain order ---------------------------------
  // A stage whose decision needs I/O (a Redis round trip) returns true here;
  // the pipeline then awaits on_request_head_async instead. (A stage that
  // needs I/O only sometimes returns RequestVerdict::go_async() instead.)
  virtual bool is_async() const { return false; }
  virtual RequestVerdict on_request_head(RequestContext& ctx) { return RequestVerdict::proceed(); }
  virtual boost::asio::awaitable<RequestVerdict> on_request_head_async(RequestContext& ctx);
  // After buffer_body: the body, whole when `complete`, else its first bytes.
  virtual RequestVerdict on_request_body(RequestContext& ctx, std::string_view body,
                                         bool complete) {
    return RequestVerdict::proceed();
  }

  // --- response direction, in reverse chain order -------------------------
  virtual ResponseVerdict on_response_head(RequestContext& ctx, Response& response) {
    return ResponseVerdict::proceed();
  }
  // Each piece of the body, in order; the last has `last` set (a whole body
  // is one piece).
  virtual void on_response_body(RequestContext& ctx, BodyPiece& piece) {}
  // The exchange is over: `complete` is false when the response broke off
  // (or never started). Called on every stage, whatever happened.
  virtual void on_finish(RequestContext& ctx, bool complete) {}

  // A stage whose whole response work is a fixed set of header lines offers
  // them here; on_response_head still runs.
  virtual const StaticResponseHeaders* static_response_headers() const { return nullptr; }

  // The slot of this stage's per-request state (RequestContext::state).
  std::size_t slot() const { return slot_; }
  void set_slot(std::size_t slot) { slot_ = slot; }

 private:
  std::size_t slot_ = 0;
};

}  // namespace centinela::stage
