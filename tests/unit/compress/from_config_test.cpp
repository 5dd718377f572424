#include "compress/from_config.h"

#include <gtest/gtest.h>

namespace centinela::compress {
namespace {

TEST(FromConfig, LevelsPerCoding) {
  config::CompressionLevels levels{.gzip = 9, .br = 11, .zstd = 12};
  EXPECT_EQ(level_for(Coding::gzip, levels), 9);
  EXPECT_EQ(level_for(Coding::br, levels), 11);
  EXPECT_EQ(level_for(Coding::zstd, levels), 12);
  EXPECT_EQ(level_for(Coding::identity, levels), 0);
}

TEST(FromConfig, OfferedCodingsKeepTheConfiguredOrder) {
  config::CompressionConfig config;
  EXPECT_EQ(offered_codings(config), (std::vector<Coding>{Coding::br, Coding::zstd, Coding::gzip}));
  config.algorithms = {"gzip", "br"};
  EXPECT_EQ(offered_codings(config), (std::vector<Coding>{Coding::gzip, Coding::br}));
}

}  // namespace
}  // namespace centinela::compress
