// The WAF's integration fixture, shared by both engines' tests
// (waf_test.cpp, waf_modsec_test.cpp, waf_profile_test.cpp, waf_hostile_test.cpp): a gateway whose
// "/api/" route runs the WAF as a test writes it and whose "/" route does not, with helpers for
// JSON posts, the incident log and the WAF's 403.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "eventually.h"
#include "gateway_fixture.h"
#include "json_value.h"
#include "temp_dir.h"

namespace itest {

constexpr const char* kAttacker = "203.0.113.66";

inline HeaderList from(const std::string& ip) { return {{"X-Forwarded-For", ip}}; }

// The line of `incident_id` in the incident log at `path`, once it is there.
inline std::optional<JsonValue> wait_for_incident_in(const std::string& path,
                                                     const std::string& incident_id) {
  std::optional<JsonValue> found;
  eventually(
      [&] {
        const std::string text = read_file(path);
        std::size_t start = 0;
        while (start < text.size()) {
          const std::size_t end = text.find('\n', start);
          auto line = parse_json(text.substr(start, end - start));
          if (line && line->string_at("incident_id") == incident_id) {
            found = line;
            return true;
          }
          if (end == std::string::npos) break;
          start = end + 1;
        }
        return false;
      },
      std::chrono::seconds(5));
  return found;
}

class WafTest : public GatewayTest {
 protected:
  WafTest() { config_.trusted_proxies = {"127.0.0.1/32"}; }

  ::testing::AssertionResult start_with(const std::string& route_waf,
                                        const std::string& extra_yaml = {}) {
    config_.routes = {R"({match: {prefix: "/api/"}, upstream: api, waf: )" + route_waf + "}",
                      R"({match: {prefix: "/"}, upstream: api})"};
    write_config_file(config_.render() + extra_yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    // A cold compile cache (the first start on a fresh machine) compiles
    // CRS's databases before the gateway is ready: ~15 s on two cores.
    return gateway_->start(std::chrono::seconds(120));
  }

  HttpResponse post_json(const std::string& target, const std::string& body,
                         const HeaderList& extra = {}) {
    HeaderList headers = extra;
    headers.emplace_back("Content-Type", "application/json");
    return http_request(port(), "POST", target, headers, body);
  }

  std::string incident_log_text() const { return read_file(dir_.file("incidents.log")); }

  std::optional<JsonValue> wait_for_incident(const std::string& incident_id) {
    return wait_for_incident_in(dir_.file("incidents.log"), incident_id);
  }
};

// The 403 of the WAF: the contract's envelope with an incident id.
inline ::testing::AssertionResult is_waf_block(const HttpResponse& response) {
  if (auto error = is_gateway_error(response, 403, "FORBIDDEN"); !error) return error;
  auto body = parse_json(response.body);
  const std::string id = body ? body->string_at("error.incident_id") : "";
  if (id.rfind("inc_", 0) != 0 || id.size() != 30) {
    return ::testing::AssertionFailure() << "no incident id: " << response.body;
  }
  return ::testing::AssertionSuccess();
}

inline std::string incident_id_of(const HttpResponse& response) {
  auto body = parse_json(response.body);
  return body ? body->string_at("error.incident_id") : "";
}

// Whether an incident lists a finding of `rule`.
inline bool has_finding(const JsonValue& incident, std::uint32_t rule) {
  const JsonValue* findings = incident.get("findings");
  if (findings == nullptr) return false;
  for (const JsonValue& finding : findings->items) {
    if (finding.number_at("rule") == static_cast<double>(rule)) return true;
  }
  return false;
}

}  // namespace itest
