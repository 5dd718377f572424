// log.access.format: centinela (the default), ecs or otel.
#include <gtest/gtest.h>

#include "load_helpers.h"

namespace centinela::config {
namespace {

using testing::load_ok;
using testing::problems;
using Problems = std::vector<std::string>;

TEST(AccessLogFormatConfig, DefaultsToCentinelaAndReadsEachFormat) {
  EXPECT_EQ(load_ok("log:\n  access: {path: stdout}\n").log.access.format,
            AccessLogSchema::centinela);
  EXPECT_EQ(load_ok("log:\n  access: {path: stdout, format: ecs}\n").log.access.format,
            AccessLogSchema::ecs);
  EXPECT_EQ(load_ok("log:\n  access: {path: stdout, format: otel}\n").log.access.format,
            AccessLogSchema::otel);
  EXPECT_EQ(load_ok("log:\n  access: {path: stdout, format: centinela}\n").log.access.format,
            AccessLogSchema::centinela);
}

TEST(AccessLogFormatConfig, UnknownFormatIsAnErrorWithASuggestion) {
  EXPECT_EQ(problems("log:\n  access: {path: stdout, format: ecss}\n"),
            Problems{"t.yaml:2:34: log.access.format: unknown format 'ecss', expected "
                     "centinela, ecs or otel (did you mean 'ecs'?)"});
  EXPECT_EQ(problems("log:\n  access:\n    format: json\n"),
            Problems{"t.yaml:3:13: log.access.format: unknown format 'json', expected "
                     "centinela, ecs or otel"});
}

}  // namespace
}  // namespace centinela::config
