#include "https_fixture.h"

#include <signal.h>

namespace itest {
namespace {

constexpr const char* kClientScript = CENTINELA_SOURCE_DIR "/tests/integration/tls_client.py";

}  // namespace

HttpsTest::HttpsTest() : certs_(dir_.path()) {
  default_cert_ = certs_.leaf("default", {"localhost", "default.test"});
}

std::string HttpsTest::tls_yaml() const {
  std::string yaml =
      fmt::format("cert: \"{}\", key: \"{}\"", default_cert_.cert, default_cert_.key);
  if (!extra_certs_.empty()) {
    yaml += ", certificates: [";
    for (std::size_t i = 0; i < extra_certs_.size(); ++i) {
      if (i != 0) yaml += ", ";
      yaml +=
          fmt::format("{{cert: \"{}\", key: \"{}\"}}", extra_certs_[i].cert, extra_certs_[i].key);
    }
    yaml += "]";
  }
  if (!tls_extra_.empty()) yaml += ", " + tls_extra_;
  return yaml;
}

std::string HttpsTest::render() const {
  std::string yaml = config_.render();
  const std::string plain = fmt::format("  listen: [\"127.0.0.1:{}\"]\n", port());
  const std::string with_tls = fmt::format(
      "  listen:\n    - {{address: \"127.0.0.1:{}\", tls: {{{}}}}}\n", port(), tls_yaml());
  const auto at = yaml.find(plain);
  if (at != std::string::npos) yaml.replace(at, plain.size(), with_tls);
  return yaml;
}

::testing::AssertionResult HttpsTest::start_https() {
  if (!certs_.ok()) return ::testing::AssertionFailure() << "openssl: " << certs_.error();
  write_config_file(render());
  gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
  return gateway_->start();
}

JsonValue HttpsTest::client(const std::string& args) const {
  const std::string json = fmt::format("{{\"port\": {}, \"ca\": {}{}{}}}", port(),
                                       json_quote(certs_.ca()), args.empty() ? "" : ", ", args);
  const CommandResult result =
      run_command({"/usr/bin/python3", kClientScript, json}, std::chrono::seconds(30));
  auto parsed = parse_json(result.out);
  if (!parsed) {
    JsonValue failed;
    failed.kind = JsonValue::Kind::object;
    JsonValue error;
    error.kind = JsonValue::Kind::string;
    error.text = "tls_client.py: " + result.output();
    failed.members.emplace_back("error", error);
    return failed;
  }
  return *parsed;
}

::testing::AssertionResult HttpsTest::reload(const std::string& result) {
  const auto count = [&] {
    return metric("centinela_config_reloads_total", {{"result", result}}).value_or(0);
  };
  const double before = count();
  write_config_file(render());
  if (!gateway_->send_signal(SIGHUP)) return ::testing::AssertionFailure() << "no SIGHUP";
  if (!eventually([&] { return count() >= before + 1; }, 5000ms)) {
    return ::testing::AssertionFailure()
           << "no reload " << result << ": " << gateway_->stderr_text();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace itest
