// Builds the YAML file a test runs the gateway with. Upstreams and routes are
// written as YAML flow mappings, e.g.
//   config.upstreams["api"] = "{servers: [\"127.0.0.1:9000\"], timeout: 500ms}";
//   config.routes = {"{match: {prefix: \"/\"}, upstream: api}"};
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace itest {

struct GatewayConfig {
  std::uint16_t listen_port = 0;
  std::uint16_t admin_port = 0;
  unsigned workers = 2;
  std::string drain_timeout = "5s";
  std::string limits;  // flow-mapping body: "max_header_bytes: 4KiB, header_timeout: 1s"
  std::vector<std::string> trusted_proxies;      // CIDRs; empty: key omitted
  std::string access_log_path;                   // empty: key omitted
  std::string access_log_format;                 // log.access.format; empty: key omitted
  std::vector<std::string> log_extra;            // lines under `log:` ("slow_request: {...}")
  std::map<std::string, std::string> upstreams;  // name -> flow mapping
  std::vector<std::string> routes;               // flow mappings, in match order

  std::string render() const;
};

// `["127.0.0.1:1", "127.0.0.1:2"]`
std::string yaml_list(const std::vector<std::string>& items);

}  // namespace itest
