#include "proxy/upstream_server_metrics.h"

#include <string>

#include "observe/metrics.h"

namespace centinela::proxy {

std::string_view tls_failure_name(TlsFailure failure) {
  switch (failure) {
    case TlsFailure::certificate:
      return "certificate";
    case TlsFailure::name:
      return "name";
    case TlsFailure::protocol:
      return "protocol";
    case TlsFailure::closed:
      return "closed";
    case TlsFailure::timeout:
      return "timeout";
  }
  return "protocol";
}

UpstreamServerMetrics UpstreamServerMetrics::make(std::string_view upstream,
                                                  std::string_view server) {
  auto& registry = observe::Registry::global();
  const observe::Labels labels = {{"upstream", std::string(upstream)},
                                  {"server", std::string(server)}};
  const auto with = [&](const char* name, const char* value) {
    observe::Labels more = labels;
    more.emplace_back(name, value);
    return more;
  };
  UpstreamServerMetrics m;
  static constexpr const char* kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i < 5; ++i) {
    m.responses[i] = &registry.counter("centinela_upstream_responses_total",
                                       "Responses from the upstream server, by status class",
                                       with("class", kClasses[i]));
  }
  static constexpr const char* kReasons[] = {"refused", "timeout", "unreachable", "other"};
  for (std::size_t i = 0; i < 4; ++i) {
    m.connect_errors[i] =
        &registry.counter("centinela_upstream_connect_errors_total",
                          "Connections to the upstream server that could not be opened, by reason",
                          with("reason", kReasons[i]));
  }
  m.timeouts =
      &registry.counter("centinela_upstream_timeouts_total",
                        "Requests whose response the upstream server did not send in time", labels);
  m.retries = &registry.counter("centinela_upstream_retries_total",
                                "Tries of a request after its first, by the server tried", labels);
  m.bytes_sent =
      &registry.counter("centinela_upstream_bytes_sent_total",
                        "Bytes written to the upstream server (heads and bodies)", labels);
  m.bytes_received =
      &registry.counter("centinela_upstream_bytes_received_total",
                        "Bytes read from the upstream server (heads and bodies)", labels);
  return m;
}

void UpstreamServerMetrics::count_response(unsigned status) const {
  if (status < 100 || status > 599 || responses[0] == nullptr) return;
  responses[status / 100 - 1]->inc();
}

void UpstreamServerMetrics::count_connect_error(ConnectError error) const {
  if (connect_errors[0] != nullptr) connect_errors[static_cast<std::size_t>(error)]->inc();
}

void UpstreamServerMetrics::count_timeout() const {
  if (timeouts != nullptr) timeouts->inc();
}

void UpstreamServerMetrics::count_retry() const {
  if (retries != nullptr) retries->inc();
}

void UpstreamServerMetrics::count_bytes(std::uint64_t sent, std::uint64_t received) const {
  if (bytes_sent == nullptr) return;
  if (sent != 0) bytes_sent->inc(sent);
  if (received != 0) bytes_received->inc(received);
}

}  // namespace centinela::proxy
