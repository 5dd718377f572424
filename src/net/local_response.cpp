#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "net/deadline.h"
#include "net/exchange.h"
#include "net/worker.h"
#include "proxy/route.h"
#include "proxy/runtime.h"

namespace centinela::net {

void run_response_filters(Exchange& ex, proxy::ResponseHead& head) {
  for (const auto& [name, value] : ex.ctx.response_headers) head.set(name, value);
  if (ex.ctx.route == nullptr) return;
  const auto& filters = ex.ctx.route->filters();
  for (auto it = filters.rbegin(); it != filters.rend(); ++it) (*it)->on_response(ex.ctx, head);
}

asio::awaitable<void> send_local_response(Exchange& ex, proxy::LocalResponse response) {
  http::response<http::string_body> res;
  static_cast<http::fields&>(res.base()) = std::move(response.headers);
  res.result(response.status);
  res.version(ex.client_version >= 11 ? 11 : 10);
  res.set(http::field::date, ex.worker.http_date());
  res.set("X-Request-ID", ex.ctx.request_id);
  run_response_filters(ex, res.base());

  // A request body we did not read makes the connection unusable.
  if (!ex.parser.is_done()) ex.close_connection = true;
  const bool keep_alive = ex.client_keep_alive && !ex.close_connection && !ex.worker.draining();
  res.keep_alive(keep_alive);
  if (!keep_alive) ex.close_connection = true;

  res.body() = std::move(response.body);
  res.prepare_payload();
  if (ex.head_request) res.body().clear();  // Content-Length stays: it describes the GET

  ex.status = response.status;
  const auto& limits = ex.runtime.config().server.limits;
  ex.watch.arm(ex.client, SteadyClock::now() + limits.idle_timeout);
  auto [ec, n] = co_await http::async_write(ex.client, res, use_nothrow);
  ex.watch.disarm();
  ex.bytes_sent += n;
  if (ec) ex.close_connection = true;
}

asio::awaitable<void> send_error(Exchange& ex, unsigned status, std::string_view message) {
  co_await send_local_response(ex, proxy::make_error_response(status, message, ex.ctx.request_id));
}

}  // namespace centinela::net
