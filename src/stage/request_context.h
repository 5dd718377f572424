// What the stages of one request see and share: the client's request, who
// the client is, the edits for the upstream request, fields for the response,
// the worker's services, and each stage's own per-request state.
#pragma once

#include <array>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observe/origin_timing.h"
#include "stage/arena.h"
#include "stage/upstream_request.h"

namespace boost::asio {
class io_context;
}

namespace centinela::redis {
class Client;
}

namespace centinela::cache {
class RedisCache;
}

namespace centinela::stage {

class BackgroundRequests;

namespace http = boost::beast::http;
using RequestHead = http::request_header<http::fields>;

// Per-worker services a stage may use. Owned by the worker; valid for as
// long as the request.
struct WorkerResources {
  boost::asio::io_context* io = nullptr;
  unsigned worker_index = 0;
  redis::Client* redis = nullptr;   // null when no `redis` is configured
  cache::RedisCache* l2 = nullptr;  // the worker's L2 cache; null without `cache.shared: redis`
};

// W3C trace context of this request: continued from the client's
// `traceparent` when valid, otherwise new.
struct TraceContext {
  std::string trace_id;  // 32 lower-case hex
  std::string span_id;   // 16 hex: the gateway's own span (the SERVER span when traced)
  std::uint8_t flags = 1;
  // The client's span (its traceparent's parent-id), parent of the gateway's;
  // all zero: the trace starts here.
  std::array<char, 16> parent_id{};
  // A request traced under `tracing` (sampled): its spans are exported, and
  // the upstream call is a CLIENT span of its own, whose id the upstream gets
  // as parent-id. All zero otherwise: the upstream gets span_id.
  std::array<char, 16> upstream_span_id{};
  bool traced = false;
};

inline constexpr std::size_t kMaxStages = 16;

struct RequestContext {
  RequestContext(RequestHead& head, Arena& request_arena)
      : request(head), arena(request_arena), upstream(request_arena) {}
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  RequestHead& request;  // as the client sent it (after the front door's checks)
  Arena& arena;          // memory for this request, released when it ends

  // The request as routed: normalised, so every stage sees one spelling.
  std::string_view host;   // lower-case authority, as keyed and forwarded
  std::string_view path;   // normalised path
  std::string_view query;  // as received, without '?'
  // The request-target as the client sent it, when the front door replaced
  // it (normalised); empty: request.target() is as sent.
  std::string_view target_as_sent;

  std::array<std::uint8_t, 16> peer_address{};  // IPv4 as ::ffff:a.b.c.d
  std::string_view peer_ip;                     // the same as text, formatted once per connection
  std::string client_ip{};  // the real client: XFF honoured from trusted peers only
  bool peer_is_trusted_proxy = false;
  bool tls = false;
  // The client connection's TLS (empty for cleartext), held by the
  // connection: what the access log records and, with mTLS, the verified
  // client certificate's subject (RFC 2253) that identity can key on and its
  // SHA-256 fingerprint (lower-case hex), unique where subjects may collide.
  std::string_view tls_version;
  std::string_view tls_cipher;
  std::string_view tls_sni;
  std::string_view tls_client_subject;
  std::string_view tls_client_fingerprint;
  // A WebSocket handshake on a route that allows it: the upstream request
  // asks to upgrade, and a 101 opens a tunnel (net/tunnel.h).
  bool websocket = false;

  std::string request_id;
  TraceContext trace;
  std::string user;     // identity, when a stage established one
  std::string api_key;  // the API key the client presented, when one was

  const WorkerResources* worker = nullptr;
  std::string_view http_date;                // the worker's Date value for this second
  BackgroundRequests* background = nullptr;  // null where unsupported (tests, subrequests)

  // What the upstream receives instead of the client's request.
  UpstreamRequest upstream;
  // Fields any stage wants on the response, whoever makes it (upstream or
  // gateway); they replace fields of the same names.
  std::vector<std::pair<std::string, std::string>> response_headers;

  // For the access log.
  std::string ratelimit;          // e.g. "allowed", "limited:per_ip"
  std::string_view cache_status;  // HIT, MISS, ...
  // Set by the WAF stage (attack detection); waf_action empty: no WAF on the
  // route (the access log leaves the fields out).
  int waf_score = 0;             // the request's inbound anomaly score
  std::string_view waf_action;   // "pass", "detected" or "blocked"
  std::string_view incident_id;  // the incident recorded for it, if any
  std::string_view threat;       // "banned:ip", "banned:user" when a ban answered
  // The origin's Server-Timing durations of the response relayed from the
  // upstream (set by the timing stage; empty: none, or not from the origin).
  std::span<const observe::OriginTiming> origin_timing;
  // Set by the upstream client when a response head arrives: its try's time
  // from the connection's start to that head (ms); -1: no upstream head.
  double upstream_head_ms = -1;

  // Each stage's own state for this request, in the slot the chain gave it.
  template <typename T>
  T* state(std::size_t slot) const {
    return static_cast<T*>(states_[slot]);
  }
  template <typename T, typename... Args>
  T& make_state(std::size_t slot, Args&&... args) {
    T& made = arena.make<T>(std::forward<Args>(args)...);
    states_[slot] = &made;
    return made;
  }

 private:
  std::array<void*, kMaxStages> states_{};
};

}  // namespace centinela::stage
