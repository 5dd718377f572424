#include "stage/stage.h"

namespace centinela::stage {

boost::asio::awaitable<RequestVerdict> Stage::on_request_head_async(RequestContext& ctx) {
  co_return on_request_head(ctx);
}

}  // namespace centinela::stage
