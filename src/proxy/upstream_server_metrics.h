// The counters of one upstream server (centinela_upstream_*{upstream,server}):
// responses by status class, connect errors by reason, response timeouts,
// retries, bytes each way. Made when the config loads (the registry returns
// the same counters after a reload); each counter is sharded per worker, so
// the request path adds to its own cache line and takes no lock.
#pragma once

#include <cstdint>
#include <string_view>

namespace centinela::observe {
class Counter;
}

namespace centinela::proxy {

enum class ConnectError : std::uint8_t { refused, timeout, unreachable, other };

// Why a TLS handshake with an upstream server failed (a bounded set, for
// centinela_upstream_tls_handshake_failures_total's `reason`).
enum class TlsFailure : std::uint8_t {
  certificate,  // the chain does not verify (unknown CA, expired, ...)
  name,         // the certificate is not for the name (or address) asked for
  protocol,     // no common protocol, a fatal alert, not TLS at all
  closed,       // the server closed or reset the connection mid-handshake
  timeout,      // not done within connect_timeout
};
inline constexpr std::size_t kTlsFailureKinds = 5;
std::string_view tls_failure_name(TlsFailure failure);

struct UpstreamServerMetrics {
  observe::Counter* responses[5] = {};       // 1xx .. 5xx
  observe::Counter* connect_errors[4] = {};  // by ConnectError
  observe::Counter* timeouts = nullptr;      // the response did not come in time
  observe::Counter* retries = nullptr;       // tries after a request's first, on this server
  observe::Counter* bytes_sent = nullptr;
  observe::Counter* bytes_received = nullptr;

  static UpstreamServerMetrics make(std::string_view upstream, std::string_view server);

  void count_response(unsigned status) const;
  void count_connect_error(ConnectError error) const;
  void count_timeout() const;
  void count_retry() const;
  void count_bytes(std::uint64_t sent, std::uint64_t received) const;
};

}  // namespace centinela::proxy
