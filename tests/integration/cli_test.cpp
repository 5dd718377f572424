// The command line: `check` (with FILE:LINE:COLUMN errors), `version`, `--help`.
#include <gtest/gtest.h>

#include <regex>

#include "child_process.h"
#include "gateway_config.h"
#include "gateway_process.h"
#include "header_list.h"
#include "json_value.h"
#include "temp_dir.h"

namespace itest {
namespace {

CommandResult centinela(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {centinela_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

// The lines of `output` that start with `prefix`.
std::vector<std::string> lines_starting_with(const std::string& output, const std::string& prefix) {
  std::vector<std::string> found;
  std::string_view rest(output);
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.rfind(prefix, 0) == 0) found.emplace_back(line);
  }
  return found;
}

TEST(CliTest, CheckAcceptsAValidFile) {
  TempDir dir;
  GatewayConfig config;
  config.listen_port = 18080;
  config.admin_port = 19901;
  config.upstreams["api"] = R"({servers: ["127.0.0.1:9000"], timeout: 5s})";
  config.routes = {R"({match: {prefix: "/"}, upstream: api})"};
  std::string path = dir.write("good.yaml", config.render());

  CommandResult result = centinela({"check", "-c", path});
  EXPECT_EQ(result.exit_code, 0) << result.output();
  EXPECT_NE(result.output().find("configuration OK"), std::string::npos) << result.output();
}

TEST(CliTest, CheckReportsEachProblemAsFileLineColumn) {
  TempDir dir;
  std::string path = dir.write("bad.yaml",
                               "server:\n"                                                     // 1
                               "  listen: [\"127.0.0.1:8080\"]\n"                              // 2
                               "  workrs: 2\n"                                                 // 3
                               "upstreams:\n"                                                  // 4
                               "  api: {servers: [\"127.0.0.1:9000\"], timeout: 5 parsecs}\n"  // 5
                               "routes:\n"                                                     // 6
                               "  - {match: {prefix: \"/\"}, upstream: nope}\n");              // 7

  CommandResult result = centinela({"check", "-c", path});
  EXPECT_EQ(result.exit_code, 1) << result.output();
  std::string output = result.output();
  EXPECT_EQ(output.find("configuration OK"), std::string::npos);

  auto unknown_key = lines_starting_with(output, path + ":3:3: ");
  ASSERT_EQ(unknown_key.size(), 1u) << output;
  EXPECT_NE(unknown_key[0].find("workrs"), std::string::npos) << unknown_key[0];
  EXPECT_TRUE(icontains(unknown_key[0], "did you mean")) << unknown_key[0];
  EXPECT_NE(unknown_key[0].find("workers"), std::string::npos) << unknown_key[0];

  EXPECT_EQ(lines_starting_with(output, path + ":5:").size(), 1u) << output;  // bad duration
  auto unknown_upstream = lines_starting_with(output, path + ":7:");
  ASSERT_EQ(unknown_upstream.size(), 1u) << output;
  EXPECT_NE(unknown_upstream[0].find("nope"), std::string::npos) << unknown_upstream[0];

  const std::regex kProblemLine(
      "^" + std::regex_replace(path, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
      R"(:\d+:\d+: \S.*$)");
  for (const std::string& line : lines_starting_with(output, path)) {
    EXPECT_TRUE(std::regex_match(line, kProblemLine)) << line;
  }
}

TEST(CliTest, CheckOfAMissingFileFails) {
  TempDir dir;
  std::string path = dir.file("does-not-exist.yaml");
  CommandResult result = centinela({"check", "-c", path});
  EXPECT_EQ(result.exit_code, 1) << result.output();
  EXPECT_NE(result.output().find(path), std::string::npos) << result.output();
}

TEST(CliTest, VersionPrintsTheVersion) {
  static const std::regex kVersion(R"(\d+\.\d+\.\d+)");
  for (const char* command : {"version", "--version"}) {
    SCOPED_TRACE(command);
    CommandResult result = centinela({command});
    EXPECT_EQ(result.exit_code, 0) << result.output();
    EXPECT_TRUE(icontains(result.output(), "centinela")) << result.output();
    EXPECT_TRUE(std::regex_search(result.output(), kVersion)) << result.output();
  }
}

TEST(CliTest, HelpIsAvailableOnEveryCommand) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"run", "--help"}, {"check", "--help"}, {"version", "--help"}}) {
    SCOPED_TRACE(args.front() + (args.size() > 1 ? " " + args[1] : ""));
    CommandResult result = centinela(args);
    EXPECT_EQ(result.exit_code, 0) << result.output();
    EXPECT_TRUE(icontains(result.output(), "usage")) << "not a usage text:\n" << result.output();
  }
}

TEST(CliTest, VersionNamesTheBuild) {
  CommandResult text = centinela({"version"});
  ASSERT_EQ(text.exit_code, 0) << text.output();
  EXPECT_NE(text.out.find("commit "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("features: "), std::string::npos) << text.out;

  CommandResult json = centinela({"version", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.output();
  auto object = parse_json(json.out);
  ASSERT_TRUE(object) << json.out;
  EXPECT_TRUE(std::regex_match(object->string_at("version"), std::regex(R"(\d+\.\d+\.\d+)")))
      << json.out;
  // Built from this checkout: a commit id, or "unknown" outside git.
  EXPECT_TRUE(std::regex_match(object->string_at("commit"),
                               std::regex(R"([0-9a-f]{7,40}(-dirty)?|unknown)")))
      << json.out;
  EXPECT_FALSE(object->string_at("build_type").empty()) << json.out;
  EXPECT_NE(json.out.find(R"("features":[)"), std::string::npos) << json.out;
  EXPECT_NE(centinela({"version", "--yaml"}).exit_code, 0);
}

// Each command has its own page: what it does and its own options.
TEST(CliTest, EachCommandHasItsOwnHelp) {
  EXPECT_NE(centinela({"warm", "--help"}).out.find("--concurrency N"), std::string::npos);
  EXPECT_NE(centinela({"run", "--help"}).out.find("SIGHUP"), std::string::npos);
  EXPECT_NE(centinela({"version", "--help"}).out.find("--json"), std::string::npos);
  const std::string check = centinela({"check", "--help"}).out;
  EXPECT_EQ(check.find("--urls"), std::string::npos) << check;
  EXPECT_NE(check.find("configuration OK"), std::string::npos) << check;
}

// A config with every kind of secret, a file secret and values the printer
// must write back exactly ($ in a header template, a per-user cache).
constexpr const char* kSecretConfig =
    "server: {listen: [\"127.0.0.1:18080\"], workers: 2, trusted_proxies: [10.0.0.0/8, \"::1\"]}\n"
    "admin: {listen: \"127.0.0.1:19901\", token: admin-token-do-not-print}\n"
    "log: {access: {path: stdout}, redact: {headers: [Authorization]}}\n"
    "redis: {url: \"redis://:redis-password-do-not-print@127.0.0.1:6390/2\"}\n"
    "upstreams:\n"
    "  api: {servers: [\"127.0.0.1:9000\"], health_check: {path: /health}}\n"
    "cache: {memory: 64MiB, shared: redis}\n"
    "identity:\n"
    "  jwt: {hs256_secret: \"jwt-secret-do-not-print-0123456789abcdef\", required: false}\n"
    "  api_keys: {keys: {key-alice-do-not-print: alice, key-bob-do-not-print: bob}}\n"
    "threat: {allowlist: [192.168.0.0/16]}\n"
    "rate_limit: {allowlist: [127.0.0.1]}\n"
    "routes:\n"
    "  - match: {prefix: /api/, methods: [GET, POST]}\n"
    "    upstream: api\n"
    "    cors: {allow_origins: [\"https://app.example\"], allow_credentials: true}\n"
    "    cache: {ttl: 90s, key: [api_key], override: {ignore: [set-cookie, cache-control],\n"
    "            ttl_by_status: {\"5xx\": 0s, \"404\": 30s}, authorization: per_user}}\n"
    "    rate_limit: [{name: per-ip, limit: 100, window: 15m}]\n"
    "    compression: {min_size: 2KiB}\n"
    "    strip_prefix: true\n"
    "    request_headers: {set: {X-Client: \"$client_ip costs $$$$5\"}}\n"
    "    security_headers: {x_frame_options: DENY}\n";

TEST(CliTest, CheckDashTPrintsTheEffectiveConfigWithSecretsMasked) {
  TempDir dir;
  const std::string path = dir.write("secrets.yaml", kSecretConfig);
  const CommandResult result = centinela({"check", "-c", path, "-T"});
  ASSERT_EQ(result.exit_code, 0) << result.output();
  // stdout is the YAML alone; the verdict goes to stderr.
  EXPECT_NE(result.err.find("configuration OK"), std::string::npos) << result.err;
  EXPECT_EQ(result.out.find("configuration OK"), std::string::npos);
  const std::string& yaml = result.out;
  EXPECT_EQ(result.output().find("do-not-print"), std::string::npos) << yaml;
  for (const char* expected :
       {"token: \"***\"", "url: \"redis://:***@127.0.0.1:6390/2\"",
        "hs256_secret: \"********************************\"", "\"***1\": \"alice\"",
        "\"***2\": \"bob\"",
        // defaults filled in, in the config's units
        "drain_timeout: 10s", "max_body_bytes: 10MiB", "memory: 64MiB", "lock_timeout: 10s",
        "max_object_size: 8MiB", "ttl: 90s", "min_size: 2KiB", "window: 15m",
        "authorization: per_user", "\"404\": 30s", "key: [\"api_key\", \"user\"]",
        "ignore: [\"cache-control\", \"set-cookie\"]", "strip_prefix: \"/api\"",
        "\"X-Client\": \"$$client_ip costs $$$$5\"", "x_frame_options: \"DENY\"",
        "trusted_proxies: [\"10.0.0.0/8\", \"0:0:0:0:0:0:0:1/128\"]",
        "allowlist: [\"192.168.0.0/16\"]"}) {
    EXPECT_NE(yaml.find(expected), std::string::npos) << expected << "\n" << yaml;
  }
}

TEST(CliTest, TheEffectiveConfigIsAConfigThatPrintsTheSameAgain) {
  TempDir dir;
  const std::string path = dir.write("original.yaml", kSecretConfig);
  const CommandResult first = centinela({"check", "-c", path, "-T"});
  ASSERT_EQ(first.exit_code, 0) << first.output();
  const std::string effective = dir.write("effective.yaml", first.out);

  const CommandResult check = centinela({"check", "-c", effective});
  EXPECT_EQ(check.exit_code, 0) << check.output() << "\n" << first.out;
  EXPECT_NE(check.out.find("configuration OK"), std::string::npos) << check.output();

  const CommandResult second = centinela({"check", "-c", effective, "-T"});
  ASSERT_EQ(second.exit_code, 0) << second.output();
  EXPECT_EQ(second.out, first.out);
}

TEST(CliTest, TheEffectiveConfigOfAMinimalFileRoundTrips) {
  TempDir dir;
  const std::string path = dir.write(
      "minimal.yaml",
      "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"
      "routes: [{match: {exact: /x}, upstream: api, security_headers: off, cache: {}}]\n");
  const CommandResult first = centinela({"check", "-c", path, "-T"});
  ASSERT_EQ(first.exit_code, 0) << first.output();
  EXPECT_NE(first.out.find("listen: [\"127.0.0.1:8080\"]"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("security_headers: off"), std::string::npos) << first.out;
  const std::string effective = dir.write("effective.yaml", first.out);
  const CommandResult second = centinela({"check", "-c", effective, "-T"});
  ASSERT_EQ(second.exit_code, 0) << second.output() << "\n" << first.out;
  EXPECT_EQ(second.out, first.out);
}

TEST(CliTest, CheckWarnsAboutCachedRoutesIdentityCannotServe) {
  TempDir dir;
  const std::string path = dir.write("warn.yaml",
                                     "upstreams: {api: {servers: [\"127.0.0.1:9000\"]}}\n"  // 1
                                     "routes:\n"                                            // 2
                                     "  - match: {prefix: /me}\n"                           // 3
                                     "    upstream: api\n"                                  // 4
                                     "    cache: {key: [user]}\n");                         // 5
  const CommandResult result = centinela({"check", "-c", path});
  EXPECT_EQ(result.exit_code, 0) << result.output();
  EXPECT_NE(result.out.find("configuration OK"), std::string::npos) << result.output();
  const auto warnings = lines_starting_with(result.err, path + ":5:");
  ASSERT_EQ(warnings.size(), 1u) << result.err;
  EXPECT_NE(warnings[0].find(": warning: "), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("identity"), std::string::npos) << warnings[0];
}

TEST(CliTest, UnknownCommandFails) {
  CommandResult result = centinela({"frobnicate"});
  EXPECT_NE(result.exit_code, 0) << result.output();
  EXPECT_FALSE(result.output().empty());
}

}  // namespace
}  // namespace itest
