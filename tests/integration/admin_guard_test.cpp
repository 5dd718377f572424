// The admin listener cannot be driven by a web page: mutating endpoints refuse
// browser-made requests (Origin, Sec-Fetch-Site: cross-site, non-JSON bodies:
// CSRF), every endpoint refuses a Host that is a name it was not told about
// (DNS rebinding), the token's scheme is case-insensitive, and `check`
// refuses an admin listener off loopback without a token.
#include "cache_fixture.h"
#include "child_process.h"

namespace itest {
namespace {

// The admin listener's JSON error: {"error":{"status":S,"code":C,"message":..}}.
::testing::AssertionResult is_admin_error(const HttpResponse& response, int status,
                                          const std::string& code) {
  if (response.status != status) {
    return ::testing::AssertionFailure()
           << "status " << response.status << " (expected " << status << ") " << response.error
           << " " << response.body.substr(0, 300);
  }
  auto body = parse_json(response.body);
  if (!body || body->string_at("error.code") != code) {
    return ::testing::AssertionFailure() << "expected code " << code << ": " << response.body;
  }
  return ::testing::AssertionSuccess();
}

class AdminGuardTest : public CacheTest {
 protected:
  // config_ rendered with `admin_lines` added under admin: (indented by the caller).
  ::testing::AssertionResult start_admin(const std::string& admin_lines) {
    std::string yaml = config_.render();
    const std::string listen = fmt::format("  listen: \"127.0.0.1:{}\"\n", config_.admin_port);
    const auto at = yaml.find(listen);
    if (at == std::string::npos) return ::testing::AssertionFailure() << "no admin listen";
    yaml.insert(at + listen.size(), admin_lines);
    write_config_file(yaml);
    gateway_ = std::make_unique<GatewayProcess>(config_path_, config_.admin_port, dir_.path());
    return gateway_->start();
  }

  HttpResponse admin(std::string_view method, const std::string& target, const HeaderList& headers,
                     std::string_view body = {}) {
    return http_request(admin_port(), method, target, headers, body);
  }

  std::string host() const { return fmt::format("127.0.0.1:{}", admin_port()); }
};

TEST_F(AdminGuardTest, PurgeRefusesBrowserRequestsAndKeepsTheEntry) {
  cache_route("{}");
  origin_.on("/p", numbered("p", {{"Cache-Control", "max-age=60"}}));
  ASSERT_TRUE(start_with());
  get("/p");
  ASSERT_EQ(x_cache(get("/p")), "HIT");

  const std::string all = R"({"all": true})";
  const std::vector<HeaderList> refused = {
      {{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}},
      {{"Content-Type", "application/json"}, {"Origin", "null"}},
      {{"Content-Type", "application/json"}, {"Sec-Fetch-Site", "cross-site"}},
      {{"Content-Type", "text/plain"}},  // a form or a no-CORS fetch
      {{"Content-Type", "application/x-www-form-urlencoded"}},
      {{"Content-Type", "multipart/form-data; boundary=x"}},
      {{"Content-Type", "application/jsonp"}},
      {},  // a body without any Content-Type
  };
  for (const HeaderList& headers : refused) {
    HttpResponse answer = admin("POST", "/admin/cache/purge", headers, all);
    std::string shown;
    for (const auto& [name, value] : headers) shown += name + ": " + value + "; ";
    EXPECT_TRUE(is_admin_error(answer, 403, "FORBIDDEN")) << shown << answer.body;
  }
  EXPECT_EQ(x_cache(get("/p")), "HIT") << "a refused purge purged";

  HttpResponse allowed = admin(
      "POST", "/admin/cache/purge",
      {{"Content-Type", "Application/JSON; charset=utf-8"}, {"Sec-Fetch-Site", "same-origin"}},
      all);
  EXPECT_EQ(allowed.status, 200) << allowed.body;
  EXPECT_EQ(x_cache(get("/p")), "MISS");
}

TEST_F(AdminGuardTest, RateLimitResetAndWarmRefuseBrowserRequests) {
  config_.routes = {
      R"({match: {prefix: "/"}, upstream: api, rate_limit: [{name: per_ip, key: ip, limit: 1, window: 1h}]})"};
  ASSERT_TRUE(start_with());
  ASSERT_EQ(get("/x").status, 200);
  ASSERT_EQ(get("/x").status, 429);
  const std::string reset = "/admin/ratelimit?policy=per_ip&key=127.0.0.1";
  EXPECT_TRUE(is_admin_error(admin("DELETE", reset, {{"Origin", "http://evil.example"}}), 403,
                             "FORBIDDEN"));
  EXPECT_TRUE(
      is_admin_error(admin("DELETE", reset, {{"Sec-Fetch-Site", "cross-site"}}), 403, "FORBIDDEN"));
  EXPECT_TRUE(is_admin_error(admin("DELETE", reset, {{"Content-Type", "text/plain"}}, "x"), 403,
                             "FORBIDDEN"));
  EXPECT_EQ(get("/x").status, 429) << "a refused reset reset the key";
  // Reading is not mutating: a page may not read it either (no CORS), but it is not refused.
  EXPECT_EQ(admin("GET", reset, {{"Origin", "http://evil.example"}}).status, 200);
  EXPECT_EQ(admin("DELETE", reset, {}).status, 200);
  EXPECT_EQ(get("/x").status, 200);

  const std::string warm = R"({"urls": ["/x"]})";
  EXPECT_TRUE(
      is_admin_error(admin("POST", "/admin/cache/warm", {{"Content-Type", "text/plain"}}, warm),
                     403, "FORBIDDEN"));
  EXPECT_TRUE(is_admin_error(
      admin("POST", "/admin/cache/warm",
            {{"Content-Type", "application/json"}, {"Origin", "http://evil.example"}}, warm),
      403, "FORBIDDEN"));
  // Nothing was started by the refused ones.
  HttpResponse status = admin("GET", "/admin/cache/warm", {});
  ASSERT_EQ(status.status, 200) << status.body;
  auto parsed = parse_json(status.body);
  ASSERT_TRUE(parsed) << status.body;
  EXPECT_EQ(parsed->number_at("total"), 0.0) << status.body;
}

TEST_F(AdminGuardTest, ANameTheListenerWasNotToldAboutIsRefused) {
  ASSERT_TRUE(start_admin("  allowed_hosts: [\"gw.internal.example\"]\n"));
  const std::string port = std::to_string(admin_port());
  // A page on evil.example whose name now resolves to 127.0.0.1 (DNS rebinding).
  for (const std::string& bad :
       std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.1.evil.example",
                                "localhost.evil.example:" + port}) {
    for (const std::string path : {"/metrics", "/health", "/ready", "/admin/stats"}) {
      HttpResponse answer = admin("GET", path, {{"Host", bad}});
      EXPECT_TRUE(is_admin_error(answer, 403, "FORBIDDEN")) << bad << " " << path;
    }
    HttpResponse purge =
        admin("POST", "/admin/cache/purge", {{"Host", bad}, {"Content-Type", "application/json"}},
              R"({"all": true})");
    EXPECT_TRUE(is_admin_error(purge, 403, "FORBIDDEN")) << bad;
  }
  // Loopback names, IP literals (no DNS to rebind) and the configured names pass.
  for (const std::string& good : std::vector<std::string>{
           host(), "localhost:" + port, "LOCALHOST", "app.localhost:" + port, "[::1]:" + port,
           "10.1.2.3:" + port, "gw.internal.example:" + port, "GW.Internal.Example"}) {
    EXPECT_EQ(admin("GET", "/health", {{"Host", good}}).status, 200) << good;
  }
}

TEST_F(AdminGuardTest, TheBearerSchemeIsCaseInsensitive) {
  ASSERT_TRUE(start_admin("  token: \"admin-secret-0123\"\n"));
  for (const std::string& scheme :
       std::vector<std::string>{"Bearer", "bearer", "BEARER", "bEaReR"}) {
    EXPECT_EQ(
        admin("GET", "/admin/stats", {{"Authorization", scheme + " admin-secret-0123"}}).status,
        200)
        << scheme;
  }
  for (const std::string& value :
       std::vector<std::string>{"Bearer admin-secret-012", "Bearer admin-secret-01234", "Bearer ",
                                "Bearer", "Bearerladmin-secret-0123", ""}) {
    EXPECT_EQ(admin("GET", "/admin/stats", {{"Authorization", value}}).status, 401) << value;
  }
}

TEST(AdminCheck, AnAdminListenerOffLoopbackNeedsAToken) {
  TempDir dir;
  auto check = [&](const std::string& admin_section) {
    const std::string path = dir.write("admin.yaml",
                                       "server:\n"
                                       "  listen: [\"127.0.0.1:18080\"]\n"
                                       "admin:\n" +
                                           admin_section +
                                           "upstreams:\n"
                                           "  api: {servers: [\"127.0.0.1:9000\"]}\n"
                                           "routes:\n"
                                           "  - {match: {prefix: \"/\"}, upstream: api}\n");
    return run_command({centinela_binary(), "check", "-c", path});
  };
  for (const std::string& listen :
       std::vector<std::string>{"0.0.0.0:9901", "[::]:9901", "192.0.2.10:9901"}) {
    CommandResult refused = check("  listen: \"" + listen + "\"\n");
    EXPECT_EQ(refused.exit_code, 1) << listen << "\n" << refused.output();
    EXPECT_NE(refused.output().find("admin.yaml:4:"), std::string::npos) << refused.output();
    EXPECT_NE(refused.output().find("admin.token"), std::string::npos) << refused.output();

    CommandResult with_token = check("  listen: \"" + listen + "\"\n  token: \"s3cret-token\"\n");
    EXPECT_EQ(with_token.exit_code, 0) << listen << "\n" << with_token.output();
  }
  for (const std::string& listen :
       std::vector<std::string>{"127.0.0.1:9901", "127.0.0.2:9901", "[::1]:9901"}) {
    CommandResult loopback = check("  listen: \"" + listen + "\"\n");
    EXPECT_EQ(loopback.exit_code, 0) << listen << "\n" << loopback.output();
  }
}

}  // namespace
}  // namespace itest
