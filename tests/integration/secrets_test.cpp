// Secrets and environments as a client and an operator see them: the admin
// token read from `admin.token_file` (and read again on SIGHUP), `${VAR}`
// taken from the gateway process's environment, a route added by an included
// file, and `check` refusing an unset variable or an error in an included
// file with the file's own line.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "gateway_fixture.h"

namespace itest {
namespace {

class SecretsTest : public GatewayTest {
 protected:
  // Writes a secret file only its owner may read.
  std::string write_secret(const std::string& name, const std::string& text) {
    const std::string path = dir_.write(name, text);
    ::chmod(path.c_str(), 0600);
    return path;
  }

  // config_ rendered with `lines` added under admin: (indented by the caller).
  std::string with_admin_lines(const std::string& lines) const {
    std::string yaml = config_.render();
    const std::string listen = fmt::format("  listen: \"127.0.0.1:{}\"\n", config_.admin_port);
    const auto at = yaml.find(listen);
    if (at != std::string::npos) yaml.insert(at + listen.size(), lines);
    return yaml;
  }

  ::testing::AssertionResult start(
      const std::string& yaml, const std::vector<std::pair<std::string, std::string>>& env = {}) {
    write_config_file(yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    for (const auto& [name, value] : env) gateway_->set_environment(name, value);
    return gateway_->start();
  }

  int admin_stats_status(const std::string& token) {
    HeaderList headers;
    if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
    return http_request(admin_port(), "GET", "/admin/stats", headers).status;
  }

  double reloads(const std::string& result) {
    return metric("centinela_config_reloads_total", {{"result", result}}).value_or(0);
  }
};

TEST_F(SecretsTest, TheAdminTokenComesFromItsFileAndFollowsAReload) {
  write_secret("admin-token", "first-token-0123\n");
  ASSERT_TRUE(start(with_admin_lines("  token_file: admin-token\n")));
  EXPECT_EQ(admin_stats_status(""), 401);
  EXPECT_EQ(admin_stats_status("first-token-0123"), 200);

  write_secret("admin-token", "second-token-4567\n");
  const double before = reloads("success");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually([&] { return reloads("success") >= before + 1; }, 3000ms));
  EXPECT_EQ(admin_stats_status("first-token-0123"), 401);
  EXPECT_EQ(admin_stats_status("second-token-4567"), 200);

  // A token file gone at reload: the reload is refused, the running token stays.
  ASSERT_EQ(::unlink(dir_.file("admin-token").c_str()), 0);
  const double failures = reloads("failure");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually([&] { return reloads("failure") >= failures + 1; }, 3000ms));
  EXPECT_EQ(admin_stats_status("second-token-4567"), 200);
  EXPECT_NE(gateway_->stderr_text().find("admin.token_file: cannot open"), std::string::npos);
}

TEST_F(SecretsTest, AWorldReadableTokenFileIsLoggedAsAWarning) {
  const std::string token = dir_.write("admin-token", "readable-token-0123\n");
  ::chmod(token.c_str(), 0644);
  ASSERT_TRUE(start(with_admin_lines("  token_file: admin-token\n")));
  EXPECT_EQ(admin_stats_status("readable-token-0123"), 200);
  EXPECT_TRUE(eventually(
      [&] {
        return gateway_->stderr_text().find("is readable by every user") != std::string::npos;
      },
      3000ms))
      << gateway_->stderr_text();
}

TEST_F(SecretsTest, VariablesComeFromTheGatewaysEnvironment) {
  config_.upstreams["api"] =
      R"({servers: ["${ORIGIN_ADDRESS}"], timeout: "${UPSTREAM_TIMEOUT:-5s}"})";
  ASSERT_TRUE(start(with_admin_lines("  token: \"${ADMIN_TOKEN}\"\n"),
                    {{"ORIGIN_ADDRESS", origin_.address()}, {"ADMIN_TOKEN", "env-token-0123"}}));
  EXPECT_TRUE(serves_normally());
  EXPECT_EQ(admin_stats_status("env-token-0123"), 200);
  EXPECT_EQ(admin_stats_status("${ADMIN_TOKEN}"), 401);
}

TEST_F(SecretsTest, AnIncludedFileAddsRoutes) {
  origin_.on("/extra/thing",
             [](const ReceivedRequest&) { return OriginReply::text(200, "extra"); });
  config_.routes = {R"({name: health, match: {exact: "/health"}, upstream: api})"};
  std::filesystem::create_directory(dir_.file("routes.d"));
  dir_.write("routes.d/extra.yaml",
             "routes:\n  - {name: extra, match: {prefix: \"/extra/\"}, upstream: api}\n");
  ASSERT_TRUE(start(config_.render() + "include: [\"routes.d/*.yaml\"]\n"));
  HttpResponse extra = get("/extra/thing");
  EXPECT_EQ(extra.status, 200);
  EXPECT_EQ(extra.body, "extra");
  EXPECT_EQ(get("/elsewhere").status, 404);
}

CommandResult check(const std::string& path, const std::vector<std::string>& env = {}) {
  return run_command({centinela_binary(), "check", "-c", path}, std::chrono::seconds(10), env);
}

TEST(SecretsCheck, AnUnsetVariableIsAnErrorNamingItAndItsLine) {
  TempDir dir;
  const std::string path = dir.write("centinela.yaml",
                                     "server:\n"
                                     "  listen: [\"127.0.0.1:${PORT:-18080}\"]\n"
                                     "admin:\n"
                                     "  listen: \"127.0.0.1:19901\"\n"
                                     "  token: \"${CENTINELA_TEST_UNSET_TOKEN}\"\n");
  CommandResult unset = check(path);
  EXPECT_EQ(unset.exit_code, 1) << unset.output();
  EXPECT_NE(unset.err.find(path + ":5:10: admin.token: environment variable "
                                  "CENTINELA_TEST_UNSET_TOKEN is not set"),
            std::string::npos)
      << unset.output();

  CommandResult set = check(path, {"CENTINELA_TEST_UNSET_TOKEN=now-set-0123"});
  EXPECT_EQ(set.exit_code, 0) << set.output();
  EXPECT_NE(set.out.find("configuration OK"), std::string::npos) << set.output();
}

TEST(SecretsCheck, AnErrorInAnIncludedFileNamesThatFile) {
  TempDir dir;
  std::filesystem::create_directory(dir.file("routes.d"));
  const std::string routes = dir.write("routes.d/api.yaml",
                                       "routes:\n"
                                       "  - match: {prefix: /api/}\n"
                                       "    upstream: apii\n");
  const std::string path = dir.write("centinela.yaml",
                                     "upstreams:\n"
                                     "  api: {servers: [\"127.0.0.1:9000\"]}\n"
                                     "include: routes.d\n");
  CommandResult result = check(path);
  EXPECT_EQ(result.exit_code, 1) << result.output();
  EXPECT_NE(result.err.find(routes + ":3:15: "), std::string::npos) << result.output();
  EXPECT_NE(result.err.find("did you mean 'api'"), std::string::npos) << result.output();
}

TEST(SecretsCheck, ADirectoryAndTwoDocumentsAreRefused) {
  TempDir dir;
  CommandResult directory = check(dir.path());
  EXPECT_EQ(directory.exit_code, 1) << directory.output();
  EXPECT_NE(directory.err.find(dir.path() + ": is a directory"), std::string::npos)
      << directory.output();

  const std::string path = dir.write("two.yaml", "server: {workers: 2}\n---\nadmin: {}\n");
  CommandResult two = check(path);
  EXPECT_EQ(two.exit_code, 1) << two.output();
  EXPECT_NE(two.err.find(path + ":2:1: a second YAML document"), std::string::npos) << two.output();
}

TEST(SecretsCheck, AWorldReadableSecretIsAWarningAndTheFileIsOk) {
  TempDir dir;
  const std::string token = dir.write("token", "s3cret-token-0123\n");
  ::chmod(token.c_str(), 0644);
  const std::string path = dir.write("centinela.yaml", "admin:\n  token_file: token\n");
  CommandResult result = check(path);
  EXPECT_EQ(result.exit_code, 0) << result.output();
  EXPECT_NE(result.err.find(path + ":2:15: warning: admin.token_file: '" + token +
                            "' is readable by every user (mode 0644)"),
            std::string::npos)
      << result.output();
  EXPECT_NE(result.out.find("configuration OK"), std::string::npos) << result.output();
}

}  // namespace
}  // namespace itest
