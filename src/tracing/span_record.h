// What the exporter needs of one traced request: its SERVER span and, when an
// upstream was called, the CLIENT span of that call. Fixed-size, so a worker
// fills one in place in its ring (span_ring.h) without allocating; texts
// longer than their field are cut. The query is kept raw and redacted when
// encoded, off the request path.
#pragma once

#include <array>
#include <cstdint>

#include "tracing/fixed_text.h"

namespace centinela::tracing {

using SpanId = std::array<char, 16>;  // lower-case hex; all zero: none

struct SpanRecord {
  std::array<char, 32> trace_id{};
  SpanId span_id{};                        // the SERVER span
  SpanId parent_id{};                      // the client's span; zero: a root span
  SpanId client_span_id{};                 // the CLIENT span; zero: no upstream was called
  std::uint64_t start_ns = 0, end_ns = 0;  // unix nanoseconds
  std::uint64_t client_start_ns = 0, client_end_ns = 0;  // the upstream call
  std::uint16_t status = 0;                              // what the client got
  std::uint16_t upstream_status = 0;                     // 0: no response
  bool tls = false;
  FixedText<16> method;
  FixedText<8> protocol;  // "1.1"; empty: the head was refused
  FixedText<128> host;    // the request's authority
  FixedText<384> path;
  FixedText<256> query;  // raw: redacted when encoded
  FixedText<64> route;
  FixedText<64> client_ip;
  FixedText<192> user_agent;
  FixedText<16> cache;
  FixedText<64> ratelimit;
  FixedText<128> request_id;
  FixedText<64> user;
  FixedText<16> waf_action;
  FixedText<16> threat;
  FixedText<64> upstream;          // the upstream's name
  FixedText<64> upstream_address;  // ip:port of the server of the last try
  FixedText<32> error;             // why the gateway's upstream exchange failed
};

}  // namespace centinela::tracing
