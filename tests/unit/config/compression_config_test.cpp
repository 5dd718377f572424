#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

const std::string kHead = "upstreams: {app: {servers: [\"127.0.0.1:9000\"]}}\nroutes:\n";

CompressionConfig load_compression(const std::string& compression) {
  Config config = load_ok(kHead + "  - upstream: app\n    compression: " + compression + "\n");
  return config.routes.at(0).compression;
}

TEST(CompressionConfig, DefaultsWhenSwitchedOn) {
  for (const char* on : {"true", "on", "{}"}) {
    CompressionConfig config = load_compression(on);
    EXPECT_TRUE(config.enabled) << on;
    EXPECT_EQ(config.min_size, 1024u);
    EXPECT_TRUE(config.content_types.empty());
    EXPECT_EQ(config.algorithms, (std::vector<std::string>{"br", "zstd", "gzip"}));
    EXPECT_EQ(config.levels.gzip, 6);
    EXPECT_EQ(config.levels.br, 4);
    EXPECT_EQ(config.levels.zstd, 3);
  }
  EXPECT_FALSE(load_compression("off").enabled);
}

TEST(CompressionConfig, LevelsAreRead) {
  CompressionConfig config = load_compression("{levels: {gzip: 9, br: 1, zstd: 19}}");
  EXPECT_EQ(config.levels.gzip, 9);
  EXPECT_EQ(config.levels.br, 1);
  EXPECT_EQ(config.levels.zstd, 19);
  config = load_compression("{levels: {br: 11}}");
  EXPECT_EQ(config.levels.gzip, 6);
  EXPECT_EQ(config.levels.br, 11);
  EXPECT_EQ(config.levels.zstd, 3);
}

TEST(CompressionConfig, LevelsOutsideEachLibrarysRangeAreErrors) {
  auto route = [](const std::string& levels) {
    return problems(kHead + "  - upstream: app\n    compression: {levels: " + levels + "}\n");
  };
  EXPECT_EQ(route("{gzip: 0}"),
            Problems{"t.yaml:4:34: routes[0].compression.levels.gzip: expected a whole number "
                     "from 1 to 9, got '0'"});
  EXPECT_EQ(route("{br: 12}"),
            Problems{"t.yaml:4:32: routes[0].compression.levels.br: expected a whole number "
                     "from 1 to 11, got '12'"});
  EXPECT_EQ(route("{br: 0}").size(), 1u);
  EXPECT_EQ(route("{zstd: 20}"),
            Problems{"t.yaml:4:34: routes[0].compression.levels.zstd: expected a whole number "
                     "from 1 to 19, got '20'"});
  EXPECT_EQ(route("{zstd: -1}").size(), 1u);
  EXPECT_EQ(route("{gzip: fast}").size(), 1u);
  EXPECT_EQ(route("{deflate: 5}").size(), 1u);
  EXPECT_EQ(route("9").size(), 1u);
}

TEST(CompressionConfig, ContentTypesAndAlgorithms) {
  CompressionConfig config = load_compression(
      "{min_size: 2KiB, content_types: [Application/JSON, \"text/*\", \"application/*+xml\"], "
      "algorithms: [GZIP, br, gzip]}");
  EXPECT_EQ(config.min_size, 2048u);
  EXPECT_EQ(config.content_types,
            (std::vector<std::string>{"application/json", "text/*", "application/*+xml"}));
  EXPECT_EQ(config.algorithms, (std::vector<std::string>{"gzip", "br"}));
}

TEST(CompressionConfig, BadContentTypesAndAlgorithmsAreErrors) {
  auto route = [](const std::string& compression) {
    return problems(kHead + "  - upstream: app\n    compression: " + compression + "\n");
  };
  EXPECT_EQ(route("{content_types: [json]}").size(), 1u);
  EXPECT_EQ(route("{algorithms: []}").size(), 1u);
  EXPECT_EQ(route("{algorithms: [deflate]}").size(), 1u);
  EXPECT_EQ(route("{level: 5}").size(), 1u);  // unknown key (it is `levels`)
}

}  // namespace
}  // namespace centinela::config
