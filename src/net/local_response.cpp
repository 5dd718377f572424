#include <boost/asio/write.hpp>

#include "net/body_writer.h"
#include "net/deadline.h"
#include "net/exchange.h"
#include "net/head_writer.h"
#include "net/worker.h"
#include "proxy/route.h"
#include "proxy/runtime.h"
#include "proxy/session_bridge.h"

namespace centinela::net {

void run_response_filters(Exchange& ex, proxy::ResponseHead& head) {
  // Stages' own fields replace the upstream's; they are written as lines
  // with the head (append_context_headers), not stored in `head`.
  for (const auto& header : ex.ctx.response_headers) head.erase(header.first);
  // Static headers are written with the head (see head_writer.h).
  if (ex.ctx.route != nullptr) proxy::run_response_stages(*ex.ctx.route, ex.ctx, head);
}

void append_context_headers(const Exchange& ex, std::string& out) {
  for (const auto& [name, value] : ex.ctx.response_headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
}

asio::awaitable<void> send_local_response(Exchange& ex, proxy::LocalResponse response) {
  proxy::ResponseHead head;
  static_cast<http::fields&>(head) = std::move(response.headers);
  head.result(response.status);
  head.set(http::field::date, ex.worker.http_date());
  head.set("X-Request-ID", ex.ctx.request_id);
  run_response_filters(ex, head);

  // A request body we did not read makes the connection unusable.
  if (!ex.request_body.done()) ex.close_connection = true;
  const bool keep_alive = ex.client_keep_alive && !ex.close_connection && !ex.worker.draining();
  if (!keep_alive) ex.close_connection = true;

  std::string& out = ex.head_buffer;
  out.clear();
  append_response_head(head, ex.client_version,
                       ex.ctx.route != nullptr ? &ex.ctx.route->static_headers() : nullptr, out);
  append_context_headers(ex, out);
  // HEAD gets the length of the body a GET would have had, and no body.
  append_framing(out, BodyFraming::length, response.body.size(), !keep_alive,
                 keep_alive && ex.client_version < 11);

  ex.status = response.status;
  const auto& limits = ex.runtime.config().server.limits;
  BodyPiece piece{out};
  if (!ex.head_request) {
    piece.data = response.body.data();
    piece.size = response.body.size();
  }
  piece.last = true;
  ex.watch.arm(ex.client, SteadyClock::now() + limits.idle_timeout);
  auto [ec, n] = co_await write_body_piece(ex.client, BodyFraming::length, piece);
  ex.watch.disarm();
  ex.bytes_sent += n;
  if (ec) ex.close_connection = true;
}

asio::awaitable<void> send_error(Exchange& ex, unsigned status, std::string_view message) {
  co_await send_local_response(ex, proxy::make_error_response(status, message, ex.ctx.request_id));
}

}  // namespace centinela::net
