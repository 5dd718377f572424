// What the filters of one request see and may change.
#pragma once

#include <array>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace centinela::proxy {

namespace http = boost::beast::http;

using RequestHead = http::request_header<http::fields>;
using ResponseHead = http::response_header<http::fields>;

class Route;
struct WorkerResources;

// A response the gateway makes itself (an error, a CORS preflight...).
struct LocalResponse {
  unsigned status = 200;
  http::fields headers;
  std::string body;
};

// W3C trace context of this request: continued from the client's
// `traceparent` when valid, otherwise new.
struct TraceContext {
  std::string trace_id;  // 32 lower-case hex
  std::string span_id;   // 16 hex: the span the gateway sends upstream
  std::uint8_t flags = 1;
};

struct RequestContext {
  RequestHead& request;  // as parsed; changes here reach the upstream
  const Route* route = nullptr;

  std::array<std::uint8_t, 16> peer_address{};  // IPv4 as ::ffff:a.b.c.d
  std::string_view peer_ip;                     // the same as text, formatted once per connection
  std::string client_ip{};  // the real client: XFF honoured from trusted peers only
  bool peer_is_trusted_proxy = false;
  bool tls = false;

  std::string request_id;
  TraceContext trace;
  std::string user;     // identity, when a filter established one
  std::string api_key;  // the API key the client presented, when one was

  // The worker serving this request: its io_context and per-worker clients.
  const WorkerResources* worker = nullptr;

  // Fields any filter wants on the response, whoever makes it (upstream or
  // gateway); added before the response filters run.
  std::vector<std::pair<std::string, std::string>> response_headers;
  // The access log's `ratelimit` field (e.g. "allowed", "limited:per_ip").
  std::string ratelimit;

  std::optional<LocalResponse> local_response{};
};

// The JSON error envelope of the contract for a gateway-made error.
LocalResponse make_error_response(unsigned status, std::string_view message,
                                  std::string_view request_id);

}  // namespace centinela::proxy
