// The state of one request/response exchange on a client connection, shared by
// the steps that serve it (session loop, local answers, upstream forwarding).
#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <string>
#include <string_view>

#include "http/body_decoder.h"
#include "net/asio_fwd.h"
#include "net/request_intake.h"
#include "proxy/request_context.h"

namespace centinela::proxy {
class Runtime;
}

namespace centinela::net {

class Worker;
class DeadlineWatch;
class ResponseTap;

namespace http = beast::http;

struct Exchange {
  Worker& worker;
  const proxy::Runtime& runtime;
  tcp::socket& client;
  beast::flat_buffer& client_buffer;
  DeadlineWatch& watch;
  RequestParser& parser;
  proxy::RequestContext& ctx;
  std::string& head_buffer;  // the connection's, reused for every head it writes
  // The request body's framing, read by whoever forwards the body (Beast
  // parses the head only). Done at once when there is no body.
  centinela::http::BodyDecoder request_body;

  std::string_view method;
  std::string_view path;       // normalised (RFC 3986 §6.2.2), unless the route opts out
  std::string_view authority;  // the normalised Host: what the upstream receives and the cache keys
  unsigned client_version = 11;
  bool client_keep_alive = true;
  bool expects_continue = false;
  bool head_request = false;

  // Filled in while serving.
  unsigned status = 0;
  std::uint64_t bytes_sent = 0;
  bool close_connection = false;  // the client connection cannot be reused
  std::string_view upstream_name;
  std::string_view forwarding_lines;  // X-Forwarded-*, Via, ids: appended to the upstream head
  double upstream_ms = -1;
  double upstream_connect_ms = -1;
  double upstream_response_ms = -1;

  // The cache's view of the upstream response, when it wants one.
  ResponseTap* tap = nullptr;
  // The client's Accept-Encoding, kept for compression when the field is not
  // forwarded (the gateway compresses, so the upstream is asked for identity).
  std::string accept_encoding;
  // Set by the cache for the access log's `cache` field (HIT, MISS...).
  std::string_view cache_status;
};

// How forwarding went when the gateway did not answer the client itself.
struct UpstreamOutcome {
  bool answered = true;       // a response went out (or the client is gone)
  unsigned error_status = 0;  // else: the error to answer (502, 503, 504)
  std::string_view error_message;
};

// Sends a response the gateway made, after the route's response filters.
asio::awaitable<void> send_local_response(Exchange& ex, proxy::LocalResponse response);

// Sends a gateway error in the contract's JSON envelope.
asio::awaitable<void> send_error(Exchange& ex, unsigned status, std::string_view message);

// Forwards the request to the route's upstream cluster and relays the answer;
// answers the client with a JSON error when no upstream answered.
asio::awaitable<void> forward_upstream(Exchange& ex);

// The same but leaves an upstream failure to the caller (the cache may serve
// a stale entry instead of the error).
asio::awaitable<UpstreamOutcome> fetch_upstream(Exchange& ex);

// Runs the route's response filters on a response head, in reverse order.
void run_response_filters(Exchange& ex, proxy::ResponseHead& head);

// Appends the fields filters asked for (ctx.response_headers) to a head
// being written; run_response_filters removed upstream fields of those names.
void append_context_headers(const Exchange& ex, std::string& out);

}  // namespace centinela::net
