#include "gateway_fixture.h"

#include <fmt/format.h>

namespace itest {

namespace {

std::string tail(const std::string& text, std::size_t bytes) {
  return text.size() <= bytes ? text : "..." + text.substr(text.size() - bytes);
}

}  // namespace

GatewayTest::GatewayTest() {
  config_.listen_port = listen_reservation_.port();
  config_.admin_port = admin_reservation_.port();
  config_.access_log_path = dir_.file("access.log");
  config_.upstreams["api"] = upstream_yaml({origin_.address()});
  config_.routes = {R"({match: {prefix: "/"}, upstream: api})"};
  config_path_ = dir_.file("centinela.yaml");
}

void GatewayTest::TearDown() {
  if (HasFailure() && gateway_) {
    std::printf("--- gateway stderr (tail) ---\n%s\n--- gateway stdout (tail) ---\n%s\n",
                tail(gateway_->stderr_text(), 4000).c_str(),
                tail(gateway_->stdout_text(), 2000).c_str());
  }
  if (gateway_) gateway_->kill();
  for (std::size_t i = 0; i < others_.size(); ++i) {
    GatewayProcess* other = others_[i]->process.get();
    if (other == nullptr) continue;
    if (HasFailure()) {
      std::printf("--- other gateway %zu stderr (tail) ---\n%s\n", i + 1,
                  tail(other->stderr_text(), 4000).c_str());
    }
    other->kill();
  }
}

::testing::AssertionResult GatewayTest::start_gateway() {
  write_config_file();
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  return gateway_->start();
}

::testing::AssertionResult GatewayTest::start_other_gateway(const std::string& extra_yaml) {
  auto& other = *others_.emplace_back(std::make_unique<OtherGateway>());
  other.config = config_;
  other.config.listen_port = other.listen_reservation.port();
  other.config.admin_port = other.admin_reservation.port();
  other.config.access_log_path = other.dir.file("access.log");
  other.dir.write("centinela.yaml", other.config.render() + extra_yaml);
  other.process = std::make_unique<GatewayProcess>(other.dir.file("centinela.yaml"),
                                                   other.config.admin_port, other.dir.path());
  return other.process->start();
}

void GatewayTest::write_config_file(const std::string& yaml) { dir_.write("centinela.yaml", yaml); }

std::string GatewayTest::metrics_text() {
  HttpResponse response = admin_get("/metrics");
  return response.status == 200 ? response.body : "";
}

std::optional<double> GatewayTest::metric(const std::string& name,
                                          const std::map<std::string, std::string>& labels) {
  return metric_value(metrics_text(), name, labels);
}

std::vector<JsonValue> GatewayTest::access_log_entries() const {
  std::vector<JsonValue> entries;
  std::string text = access_log_text();
  std::string_view rest(text);
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    if (end == std::string_view::npos) break;  // a line still being written
    if (auto entry = parse_json(rest.substr(0, end))) entries.push_back(std::move(*entry));
    rest.remove_prefix(end + 1);
  }
  return entries;
}

std::optional<JsonValue> GatewayTest::wait_for_access_log(
    const std::function<bool(const JsonValue&)>& match, std::chrono::milliseconds timeout) {
  std::optional<JsonValue> found;
  eventually(
      [&] {
        for (JsonValue& entry : access_log_entries()) {
          if (match(entry)) {
            found = std::move(entry);
            return true;
          }
        }
        return false;
      },
      timeout, 50ms);
  return found;
}

::testing::AssertionResult GatewayTest::serves_normally() {
  HttpResponse response = get("/still-serving");
  if (response.status != 200) {
    return ::testing::AssertionFailure()
           << "GET /still-serving: status " << response.status << " " << response.error;
  }
  auto echo = parse_json(response.body);
  if (!echo || echo->string_at("origin") != origin_.name()) {
    return ::testing::AssertionFailure()
           << "GET /still-serving did not reach the origin: " << response.body.substr(0, 300);
  }
  return ::testing::AssertionSuccess();
}

std::string upstream_yaml(const std::vector<std::string>& servers, const std::string& extra) {
  return "{servers: " + yaml_list(servers) + (extra.empty() ? "" : ", " + extra) + "}";
}

::testing::AssertionResult is_gateway_error(const HttpResponse& response, int status,
                                            const std::string& code) {
  if (response.status != status) {
    return ::testing::AssertionFailure()
           << "status " << response.status << " (expected " << status << ") " << response.error
           << " body: " << response.body.substr(0, 300);
  }
  std::string content_type = response.header("content-type").value_or("");
  if (to_lower(content_type).rfind("application/json", 0) != 0) {
    return ::testing::AssertionFailure() << "Content-Type is '" << content_type << "'";
  }
  auto body = parse_json(response.body);
  if (!body) return ::testing::AssertionFailure() << "body is not JSON: " << response.body;
  if (body->number_at("error.status") != static_cast<double>(status) ||
      body->string_at("error.code") != code || !body->at("error.message") ||
      !body->at("error.message")->is_string()) {
    return ::testing::AssertionFailure() << "error envelope mismatch, expected status " << status
                                         << " code " << code << ": " << response.body;
  }
  std::string request_id = body->string_at("error.request_id");
  if (request_id.empty() || request_id != response.header("x-request-id").value_or("")) {
    return ::testing::AssertionFailure()
           << "error.request_id '" << request_id << "' does not match X-Request-ID '"
           << response.header("x-request-id").value_or("") << "'";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace itest
