#include "fake_exchange.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <cstring>
#include <exception>

#include "pipeline/run.h"

namespace centinela::testing {
namespace {

bool same_name(std::string_view a, std::string_view b) {
  return stage::ResponseFields::same_name(a, b);
}

std::optional<std::string> find_in(const std::vector<std::pair<std::string, std::string>>& fields,
                                   std::string_view name) {
  for (const auto& [n, v] : fields) {
    if (same_name(n, name)) return v;
  }
  return std::nullopt;
}

}  // namespace

boost::asio::awaitable<stage::BodyRead> MemoryBody::read(std::span<char> into) {
  if (error) {
    const stage::BodyError failed = *error;
    error.reset();
    co_return stage::BodyRead{0, failed};
  }
  const std::size_t n = std::min({into.size(), piece_, body_.size() - offset_});
  std::memcpy(into.data(), body_.data() + offset_, n);
  offset_ += n;
  co_return stage::BodyRead{n};
}

std::optional<std::string> ClientView::field(std::string_view name) const {
  return find_in(fields, name);
}

std::size_t ClientView::count(std::string_view name) const {
  return static_cast<std::size_t>(
      std::count_if(fields.begin(), fields.end(),
                    [name](const auto& field) { return same_name(field.first, name); }));
}

std::optional<std::string> UpstreamView::field(std::string_view name) const {
  return find_in(fields, name);
}

bool FakeDownstream::send_head(const stage::Response& response) {
  if (gone) return false;
  client.head_sent = true;
  client.status = response.status;
  client.sends_body = response.sends_body;
  client.length = response.length;
  for (const auto& field : response.fields) {
    client.fields.emplace_back(std::string(field.name), std::string(field.value));
  }
  return true;
}

boost::asio::awaitable<bool> FakeDownstream::send_body(std::string_view piece, bool last) {
  if (gone) co_return false;
  client.body += piece;
  client.pieces.emplace_back(piece);
  if (last) client.finished = true;
  co_return true;
}

boost::asio::awaitable<bool> FakeDownstream::send_last(std::string_view piece,
                                                       std::string_view trailers) {
  if (gone) co_return false;
  client.trailers = trailers;
  co_return co_await send_body(piece, true);
}

boost::asio::awaitable<stage::ForwardResult> FakeUpstream::forward(stage::RequestContext& ctx,
                                                                   stage::RequestBody& body,
                                                                   stage::ResponseSink& sink) {
  UpstreamView view;
  view.method = ctx.upstream.method().empty() ? std::string(ctx.request.method_string())
                                              : std::string(ctx.upstream.method());
  view.target = ctx.upstream.target().empty() ? std::string(ctx.request.target())
                                              : std::string(ctx.upstream.target());
  for (const auto& field : ctx.request) {
    if (ctx.upstream.overrides(field.name_string())) continue;
    view.fields.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  ctx.upstream.for_each_set([&](std::string_view name, std::string_view value) {
    view.fields.emplace_back(std::string(name), std::string(value));
  });
  char buffer[7];
  while (!body.done()) {
    const stage::BodyRead read = co_await body.read(buffer);
    if (read.error != stage::BodyError::none) {
      received.push_back(view);
      co_return stage::ForwardResult{stage::ForwardResult::Kind::client_failed,
                                     read.error == stage::BodyError::too_large ? 413u : 400u,
                                     "bad body"};
    }
    view.body.append(buffer, read.size);
  }
  view.trailers = body.trailers();
  received.push_back(view);
  if (fail) co_return *fail;

  ScriptedResponse scripted =
      respond ? respond(view)
              : ScriptedResponse{200, {{"Content-Type", "text/plain"}}, {"upstream body"}};
  stage::Response response(ctx.arena);
  response.origin = stage::ResponseOrigin::upstream;
  response.status = scripted.status;
  for (const auto& [name, value] : scripted.fields) response.fields.add(name, value);
  std::uint64_t total = 0;
  for (const auto& piece : scripted.pieces) total += piece.size();
  response.length = scripted.length ? scripted.length : std::optional<std::uint64_t>(total);
  if (scripted.unknown_length) response.length.reset();
  response.sends_body = stage::response_sends_body(
      scripted.status, ctx.request.method() == boost::beast::http::verb::head);
  last_action = sink.on_upstream_head(response);
  if (*last_action != stage::ResponseSink::HeadAction::relay || !response.sends_body) {
    if (*last_action == stage::ResponseSink::HeadAction::relay) {
      co_await sink.on_upstream_body({}, true);
    }
    co_return stage::ForwardResult{};
  }
  for (std::size_t i = 0; i < scripted.pieces.size(); ++i) {
    const bool last = !scripted.break_after_pieces && i + 1 == scripted.pieces.size();
    ++pieces_relayed;
    bool sent = false;
    if (last && !scripted.trailers.empty()) {
      sent = co_await sink.on_upstream_last(scripted.pieces[i], scripted.trailers);
    } else {
      sent = co_await sink.on_upstream_body(scripted.pieces[i], last);
    }
    if (!sent) co_return stage::ForwardResult{};
  }
  if (scripted.break_after_pieces) {
    sink.on_upstream_broken();
  } else if (scripted.pieces.empty()) {
    co_await sink.on_upstream_body({}, true);
  }
  co_return stage::ForwardResult{};
}

FakeRequest::FakeRequest(std::string_view method, std::string_view target,
                         std::vector<std::pair<std::string, std::string>> fields)
    : ctx(head, arena) {
  head.method_string(method);
  head.target(target);
  head.version(11);
  for (const auto& [name, value] : fields) head.insert(name, value);
  ctx.request_id = "test-request-id";
  ctx.http_date = "Thu, 03 Dec 2026 10:00:00 GMT";
  const auto question = head.target().find('?');
  ctx.path = head.target().substr(0, question);
  if (question != std::string_view::npos) ctx.query = head.target().substr(question + 1);
  ctx.host = "example.test";
}

void run_coroutine(std::function<boost::asio::awaitable<void>()> body) {
  boost::asio::io_context io;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, body(), [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) std::rethrow_exception(failure);
}

bool run_pipeline(const pipeline::Chain& chain, FakeRequest& request, FakeDownstream& downstream,
                  FakeUpstream& upstream) {
  bool complete = false;
  run_coroutine([&]() -> boost::asio::awaitable<void> {
    complete = co_await pipeline::run(chain, request.ctx, downstream, upstream);
  });
  return complete;
}

}  // namespace centinela::testing
