// The route's rewrites and header edits as a stage: on the request, the
// upstream's request-target (strip_prefix, rewrite) and its header fields
// (request_headers); on every response of the route, whoever made it, the
// response_headers edits. Variables in values are the request's.
#pragma once

#include <memory>

#include "config/config.h"
#include "stage/stage.h"

namespace centinela::rewrite {

// nullptr when the route has nothing to rewrite or edit.
std::unique_ptr<stage::Stage> make_rewrite_stage(const config::RouteConfig& route);

}  // namespace centinela::rewrite
