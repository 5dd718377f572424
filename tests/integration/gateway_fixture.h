// The usual test set-up: one test origin ("a"), a gateway in front of it with
// upstream `api` and a catch-all route, its files in a private temp dir.
// A test adjusts config_ and then calls ASSERT_TRUE(start_gateway()).
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eventually.h"
#include "gateway_config.h"
#include "gateway_process.h"
#include "http_client.h"
#include "json_value.h"
#include "loopback_socket.h"
#include "prometheus_text.h"
#include "temp_dir.h"
#include "test_origin.h"

namespace itest {

// A gateway beside the fixture's, with its own ports, files and process.
struct OtherGateway {
  ReservedPort listen_reservation;
  ReservedPort admin_reservation;
  TempDir dir;
  GatewayConfig config;
  std::unique_ptr<GatewayProcess> process;

  std::uint16_t port() const { return config.listen_port; }
  std::uint16_t admin_port() const { return config.admin_port; }
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest();
  void TearDown() override;

  // Writes config_ to the config file and starts the gateway.
  ::testing::AssertionResult start_gateway();
  // Writes `yaml` (or config_ rendered) over the config file, e.g. before SIGHUP.
  void write_config_file(const std::string& yaml);
  void write_config_file() { write_config_file(config_.render()); }
  const std::string& config_path() const { return config_path_; }

  std::uint16_t port() const { return config_.listen_port; }
  std::uint16_t admin_port() const { return config_.admin_port; }
  HttpResponse get(const std::string& target, const HeaderList& headers = {}) {
    return http_get(port(), target, headers);
  }
  HttpResponse admin_get(const std::string& target) { return http_get(admin_port(), target); }
  std::string metrics_text();
  std::optional<double> metric(const std::string& name,
                               const std::map<std::string, std::string>& labels = {});

  std::string access_log_text() const { return read_file(config_.access_log_path); }
  std::vector<JsonValue> access_log_entries() const;
  // The first access-log entry `match` accepts, polling the file (the writer
  // flushes about every 100 ms).
  std::optional<JsonValue> wait_for_access_log(const std::function<bool(const JsonValue&)>& match,
                                               std::chrono::milliseconds timeout = 3000ms);

  // A plain GET through the gateway reaches origin "a" and answers 200.
  ::testing::AssertionResult serves_normally();

  // Starts one more gateway with config_'s routes and upstreams plus `extra_yaml`, and
  // appends it to others_; TearDown kills it (and shows its stderr if the test failed).
  ::testing::AssertionResult start_other_gateway(const std::string& extra_yaml = "");

  // Held for the whole test, so that no test running beside this one picks them.
  ReservedPort listen_reservation_;
  ReservedPort admin_reservation_;
  TempDir dir_;
  TestOrigin origin_{"a"};
  GatewayConfig config_;
  std::string config_path_;
  std::unique_ptr<GatewayProcess> gateway_;
  std::vector<std::unique_ptr<OtherGateway>> others_;
};

// An upstream as a YAML flow mapping: {servers: ["127.0.0.1:1", ...], <extra>}.
std::string upstream_yaml(const std::vector<std::string>& servers, const std::string& extra = "");

// A JSON error body of the contract: {"error":{"status":S,"code":C,"message":..,"request_id":..}}
// with Content-Type application/json and request_id equal to the X-Request-ID header.
::testing::AssertionResult is_gateway_error(const HttpResponse& response, int status,
                                            const std::string& code);

}  // namespace itest
