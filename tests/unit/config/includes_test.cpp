// `include:` of other files, globs and directories (routes appended in order,
// other sections written once), errors pointing into the included file, and
// what `check` refuses: a directory, a stream of two YAML documents.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "config_dir.h"

namespace centinela::config {
namespace {

using testing::ConfigDir;

std::string all(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const ConfigError& error : errors) out += error.to_string() + "\n";
  return out;
}

std::vector<std::string> route_names(const Config& config) {
  std::vector<std::string> names;
  for (const RouteConfig& route : config.routes) names.push_back(route.name);
  return names;
}

constexpr const char* kUpstreams = "upstreams:\n  api: {servers: [\"127.0.0.1:9000\"]}\n";

TEST(IncludesTest, RoutesFromIncludedFilesAreAppendedInOrder) {
  ConfigDir dir;
  dir.write("routes.d/20-orders.yaml",
            "routes:\n  - {name: orders, match: {prefix: /orders/}, upstream: api}\n");
  dir.write("routes.d/10-users.yaml",
            "routes:\n  - {name: users, match: {prefix: /users/}, upstream: api}\n");
  dir.write("routes.d/notes.txt", "not yaml: [");
  dir.write("upstreams.yaml", kUpstreams);
  dir.write("last.yaml", "routes:\n  - {name: rest, match: {prefix: /}, upstream: api}\n");
  const std::string path =
      dir.write("centinela.yaml",
                "include:\n"
                "  - upstreams.yaml\n"
                "  - routes.d/*.yaml\n"
                "  - last.yaml\n"
                "routes:\n"
                "  - {name: health, match: {exact: /health}, upstream: api}\n");
  LoadResult result = load_file(path);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(route_names(*result.config),
            (std::vector<std::string>{"health", "users", "orders", "rest"}));
  EXPECT_TRUE(result.config->upstreams.count("api"));
}

TEST(IncludesTest, ADirectoryIncludesItsYamlFilesByName) {
  ConfigDir dir;
  dir.write("conf.d/b.yml", "routes:\n  - {name: b, match: {prefix: /b/}, upstream: api}\n");
  dir.write("conf.d/a.yaml", "routes:\n  - {name: a, match: {prefix: /a/}, upstream: api}\n");
  dir.write("conf.d/README", "ignored");
  const std::string path =
      dir.write("centinela.yaml", std::string(kUpstreams) + "include: conf.d\n");
  LoadResult result = load_file(path);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(route_names(*result.config), (std::vector<std::string>{"a", "b"}));
}

TEST(IncludesTest, AGlobMatchingNothingIsFineAMissingFileIsAnError) {
  ConfigDir dir;
  const std::string path = dir.write("centinela.yaml", "include: [routes.d/*.yaml, nope.yaml]\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 1u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(), path + ":1:28: include: cannot open '" +
                                              dir.path("nope.yaml") +
                                              "': No such file or directory");
}

TEST(IncludesTest, ErrorsInAnIncludedFilePointIntoIt) {
  ConfigDir dir;
  const std::string routes = dir.write("routes.d/api.yaml",
                                       "routes:\n"
                                       "  - name: api\n"
                                       "    match: {prefix: /api/}\n"
                                       "    upstream: ap\n"
                                       "    timeout: 5 parsecs\n");
  const std::string path =
      dir.write("centinela.yaml", std::string(kUpstreams) + "include: routes.d/*.yaml\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  EXPECT_TRUE(result.errors[0].to_string().starts_with(routes + ":4:15: ")) << all(result.errors);
  EXPECT_NE(result.errors[0].message.find("did you mean 'api'"), std::string::npos);
  EXPECT_TRUE(result.errors[1].to_string().starts_with(routes + ":5:14: ")) << all(result.errors);
}

TEST(IncludesTest, VariablesAreExpandedInIncludedFiles) {
  ConfigDir dir;
  dir.write("server.yaml", "server:\n  workers: ${WORKERS:-3}\n");
  const std::string path = dir.write("centinela.yaml", "include: [server.yaml]\n");
  LoadResult result = load_file(path);
  ASSERT_TRUE(result.errors.empty()) << all(result.errors);
  EXPECT_EQ(result.config->server.workers, 3u);
}

TEST(IncludesTest, ASectionWrittenInTwoFilesIsAnErrorNamingBoth) {
  ConfigDir dir;
  const std::string other = dir.write("other.yaml", "# more admin\nadmin:\n  token: x\n");
  const std::string path = dir.write("centinela.yaml", "admin:\n  token: y\ninclude: other.yaml\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 1u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(), other + ":2:1: section 'admin' is already written at " +
                                              path + ":1; write each section in one file only");
}

TEST(IncludesTest, RouteNamesAreUniqueAcrossFiles) {
  ConfigDir dir;
  const std::string other =
      dir.write("more.yaml", "routes:\n  - {name: api, match: {prefix: /v2/}, upstream: api}\n");
  const std::string path = dir.write(
      "centinela.yaml", std::string(kUpstreams) +
                            "include: more.yaml\n"
                            "routes:\n  - {name: api, match: {prefix: /v1/}, upstream: api}\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 1u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(), other +
                                              ":2:5: duplicate route name 'api' (first used at " +
                                              path + ":5); give one of them a different `name`");
}

TEST(IncludesTest, CyclesAndRepeatsAreErrors) {
  ConfigDir dir;
  const std::string a = dir.write("a.yaml", "include: b.yaml\n");
  dir.write("b.yaml", "include: a.yaml\n");
  const std::string path = dir.write("centinela.yaml", "include: [a.yaml, a.yaml]\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 2u) << all(result.errors);
  EXPECT_EQ(result.errors[0].to_string(),
            path + ":1:19: include: '" + a + "' is included twice (also at " + path + ":1)");
  EXPECT_EQ(result.errors[1].to_string(),
            dir.path("b.yaml") + ":1:10: include: '" + a + "' includes itself (an include cycle)");

  const std::string self = dir.write("self.yaml", "include: \"*.yaml\"\n");
  LoadResult itself = load_file(self);
  ASSERT_FALSE(itself.errors.empty());
  EXPECT_NE(all(itself.errors).find("includes itself"), std::string::npos) << all(itself.errors);
}

TEST(IncludesTest, IncludesNestAtMostEightDeep) {
  ConfigDir dir;
  for (int i = 1; i <= 9; ++i) {
    dir.write("l" + std::to_string(i) + ".yaml",
              i < 9 ? "include: l" + std::to_string(i + 1) + ".yaml\n" : "server: {workers: 2}\n");
  }
  LoadResult deep = load_file(dir.write("centinela.yaml", "include: l1.yaml\n"));
  ASSERT_EQ(deep.errors.size(), 1u) << all(deep.errors);
  EXPECT_EQ(deep.errors[0].to_string(),
            dir.path("l8.yaml") + ":1:10: include: more than 8 levels of included files");
  LoadResult fits = load_file(dir.path("l2.yaml"));
  EXPECT_TRUE(fits.errors.empty()) << all(fits.errors);
}

TEST(IncludesTest, ADirectoryIsNotAConfigFile) {
  ConfigDir dir;
  LoadResult result = load_file(dir.path());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].to_string(),
            dir.path() +
                ": is a directory; give the main config file (its `include:` can name a "
                "directory of files)");
}

TEST(IncludesTest, TwoYamlDocumentsAreRefusedAtTheSecond) {
  ConfigDir dir;
  const std::string path = dir.write("centinela.yaml",
                                     "---\n"
                                     "server: {workers: 2}\n"
                                     "---\n"
                                     "admin: {token: x}\n");
  LoadResult result = load_file(path);
  ASSERT_EQ(result.errors.size(), 1u) << all(result.errors);
  EXPECT_TRUE(result.errors[0].to_string().starts_with(path + ":3:1: a second YAML document"))
      << all(result.errors);

  LoadResult trailing = load_string("server: {workers: 2}\n---\n", "t.yaml");
  ASSERT_EQ(trailing.errors.size(), 1u) << all(trailing.errors);
  EXPECT_TRUE(trailing.errors[0].to_string().starts_with("t.yaml:2:1: a second YAML document"))
      << all(trailing.errors);
}

}  // namespace
}  // namespace centinela::config
