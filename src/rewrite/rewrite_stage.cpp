#include "rewrite/rewrite_stage.h"

#include <optional>
#include <string>

#include "rewrite/header_edits.h"
#include "rewrite/path_rewrite.h"
#include "stage/response.h"

namespace centinela::rewrite {
namespace {

class RewriteStage final : public stage::Stage {
 public:
  explicit RewriteStage(const config::RouteConfig& route)
      : route_(route.name), request_(route.request_headers), response_(route.response_headers) {
    if (!route.rewrite.empty()) path_.emplace(route.rewrite);
  }

  bool does_nothing() const { return !path_ && request_.empty() && response_.empty(); }

  std::string_view name() const override { return "rewrite"; }

  stage::RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    if (path_) {
      const std::string_view target = ctx.upstream.target().empty()
                                          ? std::string_view(ctx.request.target())
                                          : ctx.upstream.target();
      thread_local std::string rewritten;
      if (path_->apply(target, rewritten)) ctx.upstream.set_target(rewritten);
    }
    for (const std::string& name : request_.remove) ctx.upstream.remove(name);
    for (const TemplatedField& field : request_.set) {
      ctx.upstream.set(field.name, expand(field.value, ctx, route_));
    }
    for (const TemplatedField& field : request_.add) {
      ctx.upstream.add(field.name, expand(field.value, ctx, route_));
    }
    return stage::RequestVerdict::proceed();
  }

  stage::ResponseVerdict on_response_head(stage::RequestContext& ctx,
                                          stage::Response& response) override {
    for (const std::string& name : response_.remove) response.fields.erase(name);
    for (const TemplatedField& field : response_.set) {
      // Views: the value lives in the request's arena or in this stage.
      response.fields.set_view(field.name, expand(field.value, ctx, route_));
    }
    for (const TemplatedField& field : response_.add) {
      response.fields.add_view(field.name, expand(field.value, ctx, route_));
    }
    return stage::ResponseVerdict::proceed();
  }

 private:
  std::string route_;
  std::optional<PathRewrite> path_;
  HeaderEdits request_;
  HeaderEdits response_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_rewrite_stage(const config::RouteConfig& route) {
  auto stage = std::make_unique<RewriteStage>(route);
  if (stage->does_nothing()) return nullptr;
  return stage;
}

}  // namespace centinela::rewrite
