#include "pipeline/run.h"

#include <optional>
#include <variant>

#include "pipeline/buffered_body.h"
#include "stage/background.h"

namespace centinela::pipeline {
namespace {

using stage::LocalResponse;
using stage::RequestVerdict;
using stage::Response;
using stage::ResponseVerdict;
using stage::StoredAnswer;

// A response the client gets instead of the upstream's (or without one).
using Answer = std::variant<LocalResponse, StoredAnswer>;

// Replacements of replacements are honoured this many times; a chain that
// keeps replacing is a bug, not a reason to loop.
constexpr int kMaxReplacements = 2;

class Run final : public stage::ResponseSink {
 public:
  Run(const Chain& chain, stage::RequestContext& ctx, stage::Downstream& downstream)
      : stages_(chain.stages()), chain_(chain), ctx_(ctx), down_(downstream) {}

  boost::asio::awaitable<bool> serve(stage::Upstream& upstream) {
    stage::RequestBody* body = &down_.request_body();
    std::optional<Answer> answer;
    // The request direction, in this frame (no coroutine of its own): a
    // stage may answer instead of the upstream.
    for (stage::Stage* s : stages_) {
      // (Not a conditional expression: GCC 12 destroys a non-trivial result
      // of `c ? co_await x : y` twice.)
      RequestVerdict verdict = RequestVerdict::proceed();
      if (s->is_async()) {
        verdict = co_await s->on_request_head_async(ctx_);
      } else {
        verdict = s->on_request_head(ctx_);
        if (verdict.kind() == RequestVerdict::Kind::go_async) {
          verdict = co_await s->on_request_head_async(ctx_);
        }
      }
      if (verdict.kind() == RequestVerdict::Kind::buffer_body) {
        verdict = co_await buffer_body(*s, verdict.buffer_bound(), body);
      }
      // (The answer is built from the alternative in place: GCC 12 reports a
      // temporary Answer's destructor as reading uninitialised memory inside
      // a coroutine.)
      if (verdict.kind() == RequestVerdict::Kind::respond) {
        answer.emplace(std::move(verdict.local()));
        break;
      }
      if (verdict.kind() == RequestVerdict::Kind::deliver) {
        answer.emplace(std::move(verdict.stored()));
        break;
      }
    }
    std::size_t from = 0;
    if (!answer) {
      const stage::ForwardResult result = co_await upstream.forward(ctx_, *body, *this);
      if (replacement_) {
        answer = std::move(replacement_);
        from = replaced_after_;
      } else if (result.kind != stage::ForwardResult::Kind::relayed && result.status != 0 &&
                 !down_.head_sent()) {
        answer = stage::make_error_response(result.status, result.message, ctx_.request_id);
      }
    }
    if (answer) co_await deliver(std::move(*answer), from, 0);
    for (stage::Stage* s : stages_) s->on_finish(ctx_, complete_);
    co_return complete_;
  }

  // A response the gateway made before the chain's request direction could
  // run (no route, a refused head), through its response direction.
  boost::asio::awaitable<bool> answer(LocalResponse response) {
    co_await deliver(Answer(std::move(response)), 0, 0);
    for (stage::Stage* s : stages_) s->on_finish(ctx_, complete_);
    co_return complete_;
  }

  // --- the upstream's response --------------------------------------------
  HeadAction on_upstream_head(Response& response) override {
    stamp(response);
    if (auto replacement = run_heads(response, 0, replaced_after_)) {
      replacement_ = std::move(replacement);
      return HeadAction::discard;
    }
    finish_head(response);
    if (down_.send_head(response)) return HeadAction::relay;
    // Nobody takes the answer, but a fetch others wait on still feeds the
    // stages (the cache stores it for them).
    if (!stage::fetch_awaited(ctx_)) return HeadAction::abort;
    client_gone_ = true;
    return HeadAction::relay;
  }

  // (Not a coroutine: one frame less per piece.)
  boost::asio::awaitable<bool> on_upstream_body(std::string_view piece, bool last) override {
    return send_body(piece, last, 0);
  }

  boost::asio::awaitable<bool> on_upstream_last(std::string_view piece,
                                                std::string_view trailers) override {
    return send_body(piece, true, 0, trailers);
  }

  void on_upstream_broken() override {
    complete_ = false;
    down_.abort();
  }

 private:
  // Stage `position` of the response direction (0 is the chain's last).
  stage::Stage& response_stage(std::size_t position) const {
    return *stages_[stages_.size() - 1 - position];
  }

  // Reads the body ahead for a stage that wants to see it; later readers get
  // it from the buffer.
  boost::asio::awaitable<RequestVerdict> buffer_body(stage::Stage& s, std::size_t bound,
                                                     stage::RequestBody*& body) {
    std::string_view ahead;
    bool complete = false;
    const stage::BodyRead read = co_await read_ahead(*body, ctx_.arena, bound, ahead, complete);
    switch (read.error) {
      case stage::BodyError::none:
        break;
      case stage::BodyError::too_large:
        co_return RequestVerdict::respond(
            stage::make_error_response(413, "request body too large", ctx_.request_id));
      case stage::BodyError::malformed:
        co_return RequestVerdict::respond(
            stage::make_error_response(400, "malformed request body", ctx_.request_id));
      default:
        // The client is gone or stalled: nobody is left to answer.
        co_return RequestVerdict::respond(
            stage::make_error_response(400, "request body not received", ctx_.request_id));
    }
    if (!ahead.empty()) body = &ctx_.arena.make<BufferedBody>(*body, ahead);
    co_return s.on_request_body(ctx_, ahead, complete);
  }

  // Fields every response carries, whoever made it.
  void stamp(Response& response) const {
    response.fields.set_view("X-Request-ID", ctx_.request_id);
  }

  // The response stages from `from` on; a replacement stops them and is
  // returned, with the position after its maker.
  std::optional<Answer> run_heads(Response& response, std::size_t from, std::size_t& after) {
    for (std::size_t position = from; position < stages_.size(); ++position) {
      ResponseVerdict verdict = response_stage(position).on_response_head(ctx_, response);
      if (verdict.kind() == ResponseVerdict::Kind::proceed) continue;
      after = position + 1;
      if (verdict.kind() == ResponseVerdict::Kind::replace_local) {
        return Answer(std::move(verdict.local()));
      }
      return Answer(std::move(verdict.stored()));
    }
    return std::nullopt;
  }

  // What stages asked for on every response, and the static lines.
  void finish_head(Response& response) const {
    for (const auto& [name, value] : ctx_.response_headers) response.fields.erase(name);
    chain_.drop_replaced_fields(response.fields);
    response.fields.add_views(chain_.static_fields());
    for (const auto& [name, value] : ctx_.response_headers) response.fields.add_view(name, value);
  }

  // Builds the response of an answer and sends it through the response
  // stages from `from` on.
  boost::asio::awaitable<void> deliver(Answer answer, std::size_t from, int depth) {
    // In the request's arena, not in this frame: a frame that small is
    // recycled by Asio instead of allocated.
    Response& response = ctx_.arena.make<Response>(ctx_.arena);
    response.origin = stage::ResponseOrigin::gateway;
    const bool head_request = ctx_.request.method() == stage::http::verb::head;
    if (auto* local = std::get_if<LocalResponse>(&answer)) {
      response.status = local->status;
      for (const auto& field : local->headers) {
        response.fields.add_view(field.name_string(), field.value());
      }
      response.whole_body = local->body;
    } else {
      auto& stored = std::get<StoredAnswer>(answer);
      response.origin = stage::ResponseOrigin::stored;
      response.status = stored.not_modified ? 304 : stored.response->status();
      stored.response->add_fields(response.fields);
      response.whole_body = stored.response->body();
      response.stored = stored.response;
    }
    response.length = response.whole_body.size();
    // A stored 304 says nothing of a length: the client's representation
    // (a compressed variant, say) may not be the one stored.
    if (auto* stored = std::get_if<StoredAnswer>(&answer); stored && stored->not_modified) {
      response.length.reset();
    }
    response.sends_body = stage::response_sends_body(response.status, head_request);
    if (!response.fields.contains("Date")) response.fields.add_view("Date", ctx_.http_date);
    stamp(response);

    std::size_t after = 0;
    if (auto replacement = run_heads(response, from, after)) {
      if (depth < kMaxReplacements) {
        co_await deliver(std::move(*replacement), after, depth + 1);
        co_return;
      }
    }
    finish_head(response);
    if (!down_.send_head(response)) co_return;
    co_await send_body(response.sends_body ? response.whole_body : std::string_view{}, true, from);
  }

  // One piece through the response stages' body hooks, then to the client;
  // the last one with the trailers that follow it.
  boost::asio::awaitable<bool> send_body(std::string_view data, bool last, std::size_t from,
                                         std::string_view trailers = {}) {
    stage::BodyPiece piece{data, last, trailers};
    for (std::size_t position = from; position < stages_.size(); ++position) {
      response_stage(position).on_response_body(ctx_, piece);
      if (piece.broken) {
        complete_ = false;
        down_.abort();
        co_return false;
      }
    }
    if (client_gone_) co_return true;
    bool sent = false;
    if (last && !piece.trailers.empty()) {
      sent = co_await down_.send_last(piece.data, piece.trailers);
    } else if (const std::optional<bool> now = down_.send_body_now(piece.data, last)) {
      sent = *now;  // no frame of the downstream's
    } else {
      sent = co_await down_.send_body(piece.data, last);
    }
    if (sent && last) complete_ = true;
    if (!sent && stage::fetch_awaited(ctx_)) {
      client_gone_ = true;  // as in on_upstream_head: the rest still feeds the stages
      co_return true;
    }
    co_return sent;
  }

  std::span<stage::Stage* const> stages_;
  const Chain& chain_;
  stage::RequestContext& ctx_;
  stage::Downstream& down_;
  std::optional<Answer> replacement_;
  std::size_t replaced_after_ = 0;
  bool complete_ = false;
  // The client took no more of the response; what is left of it only runs
  // through the stages, for a fetch others wait on.
  bool client_gone_ = false;
};

}  // namespace

// Not coroutines: the run lives in the request's arena, so its frame is the
// only one.
boost::asio::awaitable<bool> run(const Chain& chain, stage::RequestContext& ctx,
                                 stage::Downstream& downstream, stage::Upstream& upstream) {
  Run& one = ctx.arena.make<Run>(chain, ctx, downstream);
  return one.serve(upstream);
}

boost::asio::awaitable<bool> respond(const Chain& chain, stage::RequestContext& ctx,
                                     stage::Downstream& downstream, stage::LocalResponse response) {
  Run& one = ctx.arena.make<Run>(chain, ctx, downstream);
  return one.answer(std::move(response));
}

}  // namespace centinela::pipeline
