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

TEST(CliTest, UnknownCommandFails) {
  CommandResult result = centinela({"frobnicate"});
  EXPECT_NE(result.exit_code, 0) << result.output();
  EXPECT_FALSE(result.output().empty());
}

}  // namespace
}  // namespace itest
