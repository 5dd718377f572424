// `${VAR}` substitution in config values: the expansion rules on their own,
// then through the loader (typed after substitution, errors at the value).
#include "config/variables.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "load_helpers.h"

namespace centinela::config {
namespace {

Environment environment_of(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const std::string& name) -> std::optional<std::string> {
    auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  };
}

const Environment kEnvironment =
    environment_of({{"HOST", "10.0.0.7"}, {"PORT", "9000"}, {"EMPTY", ""}, {"DOLLAR", "a$b"}});

std::string expanded(std::string_view text) {
  Expanded result = expand_variables(text, kEnvironment);
  return result.error.empty() ? result.value : "error: " + result.error;
}

TEST(VariablesTest, ReplacesSetVariables) {
  EXPECT_EQ(expanded("${HOST}:${PORT}"), "10.0.0.7:9000");
  EXPECT_EQ(expanded("plain text"), "plain text");
  EXPECT_EQ(expanded("${DOLLAR}"), "a$b");  // a value is not expanded again
}

TEST(VariablesTest, DefaultsApplyWhenUnsetOrEmpty) {
  EXPECT_EQ(expanded("${NOPE:-8080}"), "8080");
  EXPECT_EQ(expanded("${EMPTY:-8080}"), "8080");
  EXPECT_EQ(expanded("${EMPTY-8080}"), "");  // without ':' only unset takes the default
  EXPECT_EQ(expanded("${NOPE-8080}"), "8080");
  EXPECT_EQ(expanded("${PORT:-8080}"), "9000");
  EXPECT_EQ(expanded("${NOPE:-}"), "");
  EXPECT_EQ(expanded("${NOPE:-${HOST}}"), "10.0.0.7");
  EXPECT_EQ(expanded("${NOPE:-a:b-c}"), "a:b-c");
}

TEST(VariablesTest, DoubleDollarIsALiteralDollarAndALoneDollarStays) {
  EXPECT_EQ(expanded("$${HOST}"), "${HOST}");
  EXPECT_EQ(expanded("pa$$word"), "pa$word");
  EXPECT_EQ(expanded("^/api/v[0-9]+$"), "^/api/v[0-9]+$");
  EXPECT_EQ(expanded("$HOST costs $5"), "$HOST costs $5");
}

TEST(VariablesTest, ProblemsNameTheVariable) {
  EXPECT_EQ(expanded("${NOPE}"),
            "error: environment variable NOPE is not set (give a default with ${NOPE:-default}, "
            "or $$ for a literal $)");
  EXPECT_EQ(expanded("${NOPE:?set it to the API's address}"),
            "error: environment variable NOPE is not set: set it to the API's address");
  EXPECT_EQ(expanded("${EMPTY:?}"), "error: environment variable EMPTY is empty");
  EXPECT_NE(expanded("${HOST").find("without a closing '}'"), std::string::npos);
  EXPECT_NE(expanded("${1X}").find("is not a variable"), std::string::npos);
  EXPECT_NE(expanded("${}").find("is not a variable"), std::string::npos);
  EXPECT_NE(expanded("${HOST:+x}").find("expected ${HOST}"), std::string::npos);
}

LoadResult load_with(const std::string& yaml, const Environment& environment) {
  std::vector<ConfigError> warnings;
  return load_string(yaml, "t.yaml", LoadOptions{environment}, warnings);
}

TEST(VariablesTest, ValuesAreTypedAfterSubstitution) {
  LoadResult result = load_with(
      "server:\n"
      "  listen: [\"${HOST}:${PORT}\"]\n"
      "  workers: ${WORKERS:-3}\n"
      "  drain_timeout: ${DRAIN:-5s}\n"
      "upstreams:\n"
      "  api: {servers: [\"${UPSTREAM:-127.0.0.1:9000}\"]}\n"
      "routes:\n"
      "  - {match: {regex: \"^/v[0-9]+$\"}, upstream: api}\n",
      kEnvironment);
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  EXPECT_EQ(result.config->server.listen.at(0).endpoint.text, "10.0.0.7:9000");
  EXPECT_EQ(result.config->server.workers, 3u);
  EXPECT_EQ(result.config->server.drain_timeout, std::chrono::seconds(5));
  EXPECT_EQ(result.config->upstreams.at("api").servers.at(0).text, "127.0.0.1:9000");
}

TEST(VariablesTest, AnUnsetVariableIsAnErrorAtItsValue) {
  LoadResult result =
      load_with("server:\n  workers: 2\nadmin:\n  token: \"${ADMIN_TOKEN}\"\n", kEnvironment);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            "t.yaml:4:10: admin.token: environment variable ADMIN_TOKEN is not set (give a "
            "default with ${ADMIN_TOKEN:-default}, or $$ for a literal $)");
}

TEST(VariablesTest, KeysAreNotSubstituted) {
  LoadResult result = load_with("${SECTION}:\n  workers: 2\n", kEnvironment);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("unknown key '${SECTION}'"), std::string::npos);
}

TEST(VariablesTest, AnAliasIsExpandedOnce) {
  LoadResult result = load_with(
      "admin:\n  listen: \"127.0.0.1:9901\"\n  token: &t \"pa$$${PORT}\"\n"
      "log:\n  access: {path: *t}\n",
      kEnvironment);
  ASSERT_TRUE(result.errors.empty()) << result.errors.front().to_string();
  EXPECT_EQ(result.config->admin.token, "pa$9000");
  EXPECT_EQ(result.config->log.access.path, "pa$9000");
}

TEST(VariablesTest, TheProcessEnvironmentIsTheDefault) {
  ::setenv("CENTINELA_TEST_WORKERS", "5", 1);
  Config config = testing::load_ok("server:\n  workers: ${CENTINELA_TEST_WORKERS}\n");
  ::unsetenv("CENTINELA_TEST_WORKERS");
  EXPECT_EQ(config.server.workers, 5u);
}

}  // namespace
}  // namespace centinela::config
