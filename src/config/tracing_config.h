// The top-level `tracing` section of Config (config.h): OpenTelemetry spans of
// sampled requests, sent as OTLP/HTTP JSON by a background thread
// (src/tracing/). Read by tracing_section.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace centinela::config {

// Where the collector listens: otlp_endpoint's authority.
struct OtlpCollector {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4318;
  std::string text = "127.0.0.1:4318";  // as written: the Host field of each export
};

struct OtlpHeader {
  std::string name;
  std::string value;
};

struct TracingConfig {
  std::string otlp_endpoint = "http://127.0.0.1:4318/v1/traces";
  OtlpCollector collector;          // otlp_endpoint's host and port
  std::string path = "/v1/traces";  // its path (and query), as sent in the POST
  double sample_ratio = 0.01;       // of traces the client did not mark sampled
  std::string service_name = "centinela";
  unsigned batch_max_spans = 512;
  std::chrono::milliseconds batch_interval = std::chrono::seconds(5);
  std::uint64_t max_queue = 2048;  // requests whose spans wait, over all workers
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::vector<OtlpHeader> headers;  // sent with every export (e.g. an API key)
};

}  // namespace centinela::config
