// net's request context until net runs pipeline::run (issue 12): the stages'
// context (stage/request_context.h) plus what net's own session loop keeps on
// it, with the names net still spells proxy::. Goes with net's old session.
#pragma once

#include <boost/beast/http/message.hpp>

#include "stage/arena.h"
#include "stage/local_response.h"
#include "stage/request_context.h"

namespace centinela::proxy {

namespace http = boost::beast::http;

using RequestHead = stage::RequestHead;
using ResponseHead = http::response_header<http::fields>;
using LocalResponse = stage::LocalResponse;
using TraceContext = stage::TraceContext;
using WorkerResources = stage::WorkerResources;
using stage::make_error_response;

class Route;

namespace detail {
// Constructed before the stage context that refers to it.
struct OwnArena {
  stage::Arena own_arena;
};
}  // namespace detail

struct RequestContext : private detail::OwnArena, stage::RequestContext {
  explicit RequestContext(RequestHead& head) : stage::RequestContext(head, own_arena) {}

  const Route* route = nullptr;
};

}  // namespace centinela::proxy
