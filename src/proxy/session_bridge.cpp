#include "proxy/session_bridge.h"

#include <string_view>

namespace centinela::proxy {
namespace {

bool bridged(const stage::Stage& stage) {
  const std::string_view name = stage.name();
  return name == "identity" || name == "security_headers" || name == "cors" || name == "rate_limit";
}

// Of those, the one that edits response heads (the security headers' are
// net's static block; identity and rate limit have no response side).
bool edits_response_heads(const stage::Stage& stage) { return stage.name() == "cors"; }

// Whether the stages left `fields` as the head's own views, in order.
bool unchanged(const http::fields& head, const stage::ResponseFields& fields) {
  auto line = head.begin();
  for (const stage::Field& field : fields) {
    if (line == head.end() || field.name.data() != line->name_string().data() ||
        field.value.data() != line->value().data()) {
      return false;
    }
    ++line;
  }
  return line == head.end();
}

}  // namespace

bool request_stages_need_io(const Route& route) {
  for (const stage::Stage* stage : route.chain().stages()) {
    if (bridged(*stage) && stage->is_async()) return true;
  }
  return false;
}

std::optional<LocalResponse> run_request_stages_now(const Route& route, RequestContext& ctx) {
  for (stage::Stage* stage : route.chain().stages()) {
    if (!bridged(*stage)) continue;
    stage::RequestVerdict verdict = stage->on_request_head(ctx);
    if (verdict.kind() == stage::RequestVerdict::Kind::respond) return std::move(verdict.local());
  }
  return std::nullopt;
}

boost::asio::awaitable<std::optional<LocalResponse>> run_request_stages(const Route& route,
                                                                        RequestContext& ctx) {
  for (stage::Stage* stage : route.chain().stages()) {
    if (!bridged(*stage)) continue;
    // (Not a conditional expression: GCC 12 destroys a non-trivial result
    // of `c ? co_await x : y` twice.)
    stage::RequestVerdict verdict = stage::RequestVerdict::proceed();
    if (stage->is_async()) {
      verdict = co_await stage->on_request_head_async(ctx);
    } else {
      verdict = stage->on_request_head(ctx);
    }
    if (verdict.kind() == stage::RequestVerdict::Kind::respond) {
      co_return std::optional<LocalResponse>(std::move(verdict.local()));
    }
  }
  co_return std::nullopt;
}

void run_response_stages(const Route& route, RequestContext& ctx, ResponseHead& head) {
  const auto stages = route.chain().stages();
  bool any = false;
  for (const stage::Stage* stage : stages) any = any || edits_response_heads(*stage);
  if (!any) return;
  // The head as views; only an edited head is rebuilt.
  stage::Arena arena;
  stage::Response response(arena);
  response.status = head.result_int();
  for (const auto& field : head) response.fields.add_view(field.name_string(), field.value());
  for (auto it = stages.rbegin(); it != stages.rend(); ++it) {
    // It edits fields and never replaces a response.
    if (edits_response_heads(**it)) (*it)->on_response_head(ctx, response);
  }
  if (unchanged(head, response.fields)) return;
  http::fields edited;
  for (const stage::Field& field : response.fields) edited.insert(field.name, field.value);
  static_cast<http::fields&>(head) = std::move(edited);
}

}  // namespace centinela::proxy
